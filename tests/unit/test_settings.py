"""Settings is the one reader of the environment and .env; Redmine's settings are nested."""

from intake.cli import main
from intake.config import load_settings, secrets_of
from intake.tickets.redmine.config import RedmineSettings


def test_redmine_variables_fill_the_nested_model(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REDMINE_URL", "http://redmine.example/")
    monkeypatch.setenv("REDMINE_API_KEY", "k" * 40)
    monkeypatch.setenv("REDMINE_CF_BROWSER", "Navigateur")
    monkeypatch.setenv("REDMINE_PRIORITY_HIGHLY_DEGRADED", "Very urgent")
    monkeypatch.setenv("REDMINE_TEST_ENV", "/somewhere")  # not ours: ignored
    redmine = load_settings().redmine
    assert redmine.url == "http://redmine.example"
    assert redmine.configured
    assert redmine.cf_browser == "Navigateur"
    assert redmine.priority_names()["highly-degraded"] == "Very urgent"


def test_dotenv_is_read_for_redmine_too(monkeypatch, tmp_path):
    for name in ("REDMINE_URL", "REDMINE_API_KEY", "INTAKE_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "REDMINE_URL=http://from-dotenv\nREDMINE_API_KEY=secret-key\nINTAKE_DATABASE=x.db\n"
    )
    settings = load_settings()
    assert settings.redmine.url == "http://from-dotenv"
    assert str(settings.database) == "x.db"
    assert "secret-key" in secrets_of(settings)


def test_the_model_alone_reads_nothing(monkeypatch):
    monkeypatch.setenv("REDMINE_URL", "http://redmine.example")
    assert RedmineSettings().url is None


def test_a_command_reading_the_database_setting_late_names_a_bad_variable(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REDMINE_PARALLEL", "99")
    assert main(["conversations", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: REDMINE_PARALLEL:") and err.count("\n") == 1
