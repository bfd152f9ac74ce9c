#!/usr/bin/env bash
# A throwaway Redmine (Debian's package, SQLite) on 127.0.0.1 for the Redmine tests and bench.
#
#   .ci/redmine.sh start DIR [PORT]   create/migrate/seed the instance in DIR (Debian's package,
#                                     installed by scripts/install-test-deps.sh; exit 3 without it),
#                                     start puma, wait for the API, write DIR/redmine.env and
#                                     print its path (last line of stdout). Idempotent: a second
#                                     start on a running instance only re-checks it.
#   .ci/redmine.sh stop DIR           stop the server of that instance.
#
# The comments below give the reason behind each step (why REDMINE_INSTANCE everywhere, why
# load_default_data runs in its own process, why one puma thread).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
fi
mkdir -p "$dir"
D=$(cd "$dir" && pwd)
NAME=t_$(printf '%s' "$D" | sha1sum | cut -c1-12)
ENV_FILE=$D/redmine.env
PIDFILE=$D/tmp/puma.pid
log() { echo "[redmine.sh] $*" >&2; }

running_pid() {
    [[ -f $PIDFILE ]] || return 1
    local pid
    pid=$(cat "$PIDFILE")
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

if [[ $cmd == stop ]]; then
    if pid=$(running_pid); then
        kill -CONT "$pid" 2>/dev/null || true   # a test may have left it SIGSTOPped
        kill "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        log "stopped pid $pid"
    fi
    rm -f "$PIDFILE" "/var/lib/redmine/$NAME"   # the instance link; start makes it again
    exit 0
fi
[[ $cmd == start ]] || { echo "unknown command: $cmd" >&2; exit 2; }

PORT=${3:-${REDMINE_PORT:-}}
if [[ -z $PORT && -f $D/port ]]; then PORT=$(cat "$D/port"); fi
if [[ -z $PORT ]]; then
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi
echo "$PORT" > "$D/port"
t0=$(date +%s.%N)
since() { python3 -c "import sys;print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f}s')" "$t0" "$(date +%s.%N)"; }

# 1. Installing is scripts/install-test-deps.sh's job; here Redmine is only used. Exit 3 says
#    "not installed", so the test fixture can skip locally and fail under CI.
if [[ $(dpkg-query -W -f='${Status}\n' redmine redmine-sqlite puma 2>/dev/null \
        | grep -c 'install ok installed') != 3 ]]; then
    log "Redmine is not installed (redmine, redmine-sqlite, puma): run scripts/install-test-deps.sh"
    exit 3
fi

# 2. The instance: Debian's Redmine is multi-tenant; REDMINE_INSTANCE=NAME reads
#    /var/lib/redmine/NAME, which we point at DIR.
mkdir -p "$D"/{config,log,tmp,files,db,public/plugin_assets}
ln -sfn "$D" "/var/lib/redmine/$NAME"
if [[ ! -f $D/config/database.yml ]]; then
    cat > "$D/config/database.yml" <<YML
production:
  adapter: sqlite3
  database: $D/db/redmine.sqlite3
  pool: 16
  timeout: 10000
  encoding: utf8
YML
fi
[[ -s $D/config/secret_key.txt ]] || ruby -rsecurerandom -e 'puts SecureRandom.hex(32)' > "$D/config/secret_key.txt"
# Debian's bundle has neither sqlite3 (its lock predates any database.yml) nor a web server.
printf "eval_gemfile '/usr/share/redmine/Gemfile'\ngem 'puma'\n" > "$D/Gemfile"
export BUNDLE_GEMFILE=$D/Gemfile REDMINE_INSTANCE=$NAME RAILS_ENV=production
export BUNDLE_SILENCE_ROOT_WARNING=1
cd /usr/share/redmine

api_ok() {  # KEY: 200 from /users/current.json
    python3 - "$PORT" "$1" <<'PY' 2>/dev/null
import sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/users/current.json",
                             headers={"X-Redmine-API-Key": sys.argv[2]})
sys.exit(0 if urllib.request.urlopen(req, timeout=5).status == 200 else 1)
PY
}
if pid=$(running_pid) && [[ -f $ENV_FILE ]] \
   && api_ok "$(sed -n 's/^REDMINE_API_KEY=//p' "$ENV_FILE")"; then
    log "already running (pid $pid)"
    echo "$ENV_FILE"
    exit 0
fi

[[ -f $D/Gemfile.lock ]] || bundle install --local --quiet >"$D/log/bundle.log" 2>&1 \
    || { cat "$D/log/bundle.log" >&2; exit 1; }

# 3. Schema, then default data in a SEPARATE process (one process fails on a stale column
#    cache); load_default_data exits 0 on error, so its output is checked.
if [[ ! -f $D/db/.default-data ]]; then
    bundle exec rake db:migrate SCHEMA=/dev/null >"$D/log/migrate.log" 2>&1 \
        || { cat "$D/log/migrate.log" >&2; exit 1; }
    log "migrated ($(since))"
    bundle exec rake redmine:load_default_data REDMINE_LANG=en >"$D/log/default-data.log" 2>&1 || true
    if ! grep -qi 'Default configuration data loaded' "$D/log/default-data.log" \
       && ! grep -qi 'already loaded' "$D/log/default-data.log"; then
        cat "$D/log/default-data.log" >&2; exit 1
    fi
    touch "$D/db/.default-data"
    log "default data loaded ($(since))"
fi

# 4. Start the server now (it boots while the seed runs: settings are re-read per request).
#    One thread: SQLite plus several puma threads gives "database is locked".
if ! running_pid >/dev/null; then
    setsid nohup bundle exec puma -b "tcp://127.0.0.1:$PORT" -e production -t 1:1 \
        --pidfile "$PIDFILE" /usr/share/redmine/config.ru >"$D/log/puma.log" 2>&1 < /dev/null &
    echo $! > "$PIDFILE"
fi

# 5. Seed (idempotent).
cat > "$D/seed.rb" <<'RUBY'
# Seeds a test Redmine: REST on, login required, admin key, project 'support' with the
# intake's custom fields, a non-admin 'reporter', and a deliberately misconfigured project.
Setting.rest_api_enabled = '1'
Setting.login_required = '1'
Setting.default_language = 'en'
Setting.text_formatting = 'textile' if Setting.text_formatting.blank?

admin = User.find_by_login('admin')
admin.password = admin.password_confirmation = 'admin-password-123'
admin.must_change_passwd = false
admin.save!
admin_key = admin.api_key

trackers = Tracker.all.to_a
def project_named(identifier, name, trackers)
  p = Project.find_by_identifier(identifier) || Project.new(identifier: identifier)
  p.name = name
  p.is_public = true
  p.trackers = trackers
  p.enabled_module_names = %w[issue_tracking]
  p.save!
  p
end
support = project_named('support', 'Support', trackers)
misconfigured = project_named('misconfigured', 'Misconfigured', trackers)

# String fields: the bot validates values itself, and a list field would turn an unexpected
# browser name into a 422. Linked to 'support' explicitly (not is_for_all) so non-admin keys
# can discover them through /projects/support.json?include=issue_custom_fields.
names = ['Browser', 'Browser version', 'OS', 'Orangesky version', 'Impact', 'Language',
         'Telegram user', 'Intake reference']
fields = names.map do |name|
  cf = IssueCustomField.find_by_name(name) || IssueCustomField.new(name: name)
  cf.field_format = 'string'
  cf.is_for_all = false
  cf.is_filter = true            # searchable: /issues.json?cf_N=value needs it
  cf.searchable = true
  cf.visible = true
  cf.trackers = trackers
  cf.save!
  cf
end
support.issue_custom_field_ids = fields.map(&:id)
support.save!
# 'misconfigured' lacks the Impact field, so the doctor has something to find.
misconfigured.issue_custom_field_ids = fields.reject { |f| f.name == 'Impact' }.map(&:id)
misconfigured.save!

# A user field the customer fills in on "My account" with their Telegram username: the
# proof, before the bot files "as" them, that the Redmine account is theirs.
telegram = UserCustomField.find_by_name('Telegram') || UserCustomField.new(name: 'Telegram')
telegram.field_format = 'string'
telegram.editable = true
telegram.visible = true
telegram.save!

reporter_role = Role.find_by_name('Reporter')
user = User.find_by_login('reporter') || User.new(login: 'reporter')
user.firstname = 'Rita'
user.lastname = 'Reporter'
user.mail = 'reporter@example.invalid'
user.password = user.password_confirmation = 'reporter-password-123'
user.must_change_passwd = false
user.mail_notification = 'none'
user.status = User::STATUS_ACTIVE
user.save!
unless Member.where(user_id: user.id, project_id: support.id).exists?
  Member.create!(principal: user, project: support, roles: [reporter_role])
end

puts "REDMINE_API_KEY=#{admin_key}"
puts "REDMINE_ADMIN_LOGIN=admin"
puts "REDMINE_ADMIN_PASSWORD=admin-password-123"
puts "REDMINE_USER_LOGIN=reporter"
puts "REDMINE_USER_PASSWORD=reporter-password-123"
puts "REDMINE_USER_ID=#{user.id}"
puts "REDMINE_USER_API_KEY=#{user.api_key}"
puts "REDMINE_PROJECT_ID=#{support.id}"
puts "REDMINE_PROJECT_IDENTIFIER=support"
puts "REDMINE_MISCONFIGURED_PROJECT=misconfigured"
puts "REDMINE_TRACKER_IDS=#{trackers.map { |t| "#{t.id}:#{t.name}" }.join(',')}"
puts "REDMINE_PRIORITY_IDS=#{IssuePriority.order(:position).map { |p| "#{p.id}:#{p.name}" }.join(',')}"
fields.each { |f| puts "REDMINE_CF_#{f.name.upcase.gsub(/[^A-Z0-9]+/, '_')}_ID=#{f.id}" }
puts "REDMINE_USER_CF_TELEGRAM_ID=#{telegram.id}"
puts "REDMINE_TEXT_FORMATTING=#{Setting.text_formatting}"
puts "REDMINE_VERSION=#{Redmine::VERSION}"
RUBY
SEED_SUM=$(sha1sum "$D/seed.rb" | cut -c1-40)
if [[ -s $D/log/seed.out && $(cat "$D/db/.seeded" 2>/dev/null) == "$SEED_SUM" ]]; then
    log "already seeded"          # a restart: the database keeps what the seed made
else
    bundle exec rails runner "$D/seed.rb" >"$D/log/seed.out" 2>"$D/log/seed.log" \
        || { cat "$D/log/seed.log" "$D/log/seed.out" >&2; exit 1; }
    echo "$SEED_SUM" > "$D/db/.seeded"
    log "seeded ($(since))"
fi

# 6. Wait for the API to answer with the admin key.
KEY=$(sed -n 's/^REDMINE_API_KEY=//p' "$D/log/seed.out")
for i in $(seq 600); do
    if api_ok "$KEY"; then
        break
    fi
    if ! running_pid >/dev/null; then cat "$D/log/puma.log" >&2; log "puma died"; exit 1; fi
    [[ $i == 600 ]] && { cat "$D/log/puma.log" >&2; log "timed out waiting for puma"; exit 1; }
    sleep 0.2
done
log "ready on 127.0.0.1:$PORT ($(since))"

{
    echo "REDMINE_URL=http://127.0.0.1:$PORT"
    cat "$D/log/seed.out"
    echo "REDMINE_PID=$(cat "$PIDFILE")"
    echo "REDMINE_DIR=$D"
    echo "REDMINE_INSTANCE=$NAME"
} > "$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
echo "$ENV_FILE"
