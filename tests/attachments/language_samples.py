# ruff: noqa: RUF001, E501  (CJK and Cyrillic test text: wide characters are the point here)
"""A labelled evaluation set: short support texts as customers write them, and logs.

Label = the ISO 639-1 code of the language a person reads in the text ('zh' for Simplified and
Traditional alike). English texts must be accepted; every other text should be refused with
that language. Used by tests (key cases, a floor on accuracy) and bench/attachments.py (the
figures). Written for this project; not taken from a corpus.
"""

from __future__ import annotations

ENGLISH = [
    "ok",
    "OK",
    "yes",
    "no",
    "thanks",
    "Thank you!",
    "hi",
    "Hello?",
    "see attached",
    "same as before",
    "still broken",
    "it doesn't work",
    "nope, nothing changed",
    "pls fix asap thx",
    "HELP ACCOUNT LOCKED",
    "Login fails",
    "Can't log in",
    "app crashes on startup",
    "The page is blank",
    "Where is my invoice?",
    "Payment declined",
    "I was charged twice this month.",
    "The export button does nothing when I click it.",
    "After the last update the app closes as soon as I open the camera.",
    "I can't reset my password, the email never arrives.",
    "Our whole team is blocked, nobody can sign in since 9am.",
    "Sync stopped working on my laptop but the phone is fine.",
    "The dashboard shows wrong totals for last week.",
    "When I upload a file bigger than 10 MB I get an error.",
    "Notifications arrive hours late.",
    "Dark mode makes the text unreadable in the settings page.",
    "Please delete my account and all my data.",
    "Is there a way to change the billing email?",
    "The mobile app keeps asking me to log in again every few minutes.",
    "Search returns no results even for files I can see in the list.",
    "I think this started after I changed my phone.",
    "Screenshot of the error attached, happens every time.",
    "It worked yesterday, today it just spins forever.",
    "Steps: open settings, tap Backup, tap Restore. Result: nothing happens.",
    "Expected: the report downloads. Actual: error 500.",
    "Version 4.2.1 on Android 14, Pixel 7.",
    "Chrome 120 on Windows 11",
    "Firefox 121, macOS Sonoma 14.2",
    "iPhone 13, iOS 17.1.2, app version 3.8 (build 412)",
    "Safari on iPad",
    "the app is very slow since update",
    "i not can login since yesterday please help fast",
    "Hello team, my colleague Zhang Wei cannot access the shared folder.",
    "Customer name: Li Na, order number 88213, the refund hasn't arrived.",
    "My username is wang.xiaoming and the account shows as suspended.",
    "We are a company in Shenzhen and our users cannot connect.",
    "Hi, I'm writing from Berlin. The invoice shows the wrong VAT number.",
    "Bonjour is the only word I see on the welcome screen, the rest is blank.",
    "Our office in Madrid reports the same issue.",
    "The file name is informe_final_v2.pdf",
    "Error: ECONNREFUSED 127.0.0.1:5432",
    "ERR_CONNECTION_RESET",
    "404",
    "HTTP 502 Bad Gateway",
    "500 Internal Server Error",
    "Request failed with status code 401",
    "TypeError: Cannot read properties of undefined (reading 'map')",
    "Uncaught ReferenceError: orangeskyConfig is not defined",
    "java.lang.OutOfMemoryError: Java heap space",
    "SSL_ERROR_BAD_CERT_DOMAIN",
    "net::ERR_CERT_DATE_INVALID",
    "Segmentation fault (core dumped)",
    "Permission denied (publickey).",
    "fatal: unable to access 'https://git.orangesky.example/app.git/': SSL certificate problem",
    "Killed",
    "Timeout after 30000 ms",
    "DNS_PROBE_FINISHED_NXDOMAIN",
    "The certificate for this server is invalid.",
    "Your session has expired. Please sign in again.",
    "Something went wrong. Please try again later.",
    "Unable to connect to the server. Check your internet connection.",
    "Invalid username or password",
    "This field is required",
    "Upload failed: file type not allowed",
    "Access denied. Contact your administrator.",
    "Disk quota exceeded",
    "Update available. Restart now?",
    "Are you sure you want to delete this project? This cannot be undone.",
    (
        "Traceback (most recent call last):\n"
        '  File "/srv/orangesky/app/worker.py", line 88, in run\n'
        "    result = client.fetch(job.url, timeout=30)\n"
        '  File "/usr/lib/python3.11/site-packages/httpx/_client.py", line 1041, in get\n'
        '    return self.request("GET", url)\n'
        "httpx.ReadTimeout: timed out"
    ),
    (
        'Exception in thread "main" java.lang.NullPointerException: Cannot invoke '
        '"String.length()" because "name" is null\n'
        "\tat com.orangesky.sync.FolderWatcher.scan(FolderWatcher.java:142)\n"
        "\tat com.orangesky.sync.SyncService.lambda$start$0(SyncService.java:77)\n"
        "\tat java.base/java.lang.Thread.run(Thread.java:833)"
    ),
    (
        "Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed "
        'for user "orangesky"\n'
        "\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:646)\n"
        "\t... 42 more"
    ),
    (
        "System.InvalidOperationException: Sequence contains no elements\n"
        "   at System.Linq.ThrowHelper.ThrowNoElementsException()\n"
        "   at Orangesky.Billing.InvoiceService.GetLatest(Guid customerId) in "
        "C:\\build\\src\\Billing\\InvoiceService.cs:line 57"
    ),
    (
        "panic: runtime error: invalid memory address or nil pointer dereference\n"
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b1c]\n\n"
        "goroutine 17 [running]:\n"
        "main.(*Server).handleUpload(0xc000120000, {0x7f3c2d0, 0xc0001a8000})\n"
        "\t/home/ci/src/orangesky/server.go:214 +0x1c"
    ),
    (
        "TypeError: Cannot read properties of null (reading 'addEventListener')\n"
        "    at initToolbar (https://app.orangesky.example/static/js/main.8f3a2c.js:1:48213)\n"
        "    at HTMLDocument.<anonymous> (https://app.orangesky.example/static/js/main.8f3a2c.js:1:50122)"
    ),
    (
        "2024-03-18 09:14:22,481 INFO  [main] o.s.b.w.e.tomcat.TomcatWebServer - Tomcat started on port(s): 8080\n"
        "2024-03-18 09:14:25,102 WARN  [pool-3-thread-1] c.o.sync.Uploader - retrying chunk 17/40 after 503\n"
        "2024-03-18 09:14:31,990 ERROR [pool-3-thread-1] c.o.sync.Uploader - upload aborted: connection reset by peer"
    ),
    (
        '[2024-05-02T11:03:44Z] level=error msg="failed to refresh token" user_id=8812 '
        'err="invalid_grant: token expired"\n'
        '[2024-05-02T11:03:45Z] level=info msg="retrying" attempt=2'
    ),
    (
        "Mar 12 08:01:02 web-3 nginx[1123]: 2024/03/12 08:01:02 [error] 1123#1123: *48211 "
        "upstream timed out (110: Connection timed out) while reading response header from upstream, "
        'client: 10.0.4.17, server: app.orangesky.example, request: "GET /api/v2/files HTTP/1.1"'
    ),
    (
        "E/AndroidRuntime( 4821): FATAL EXCEPTION: main\n"
        "E/AndroidRuntime( 4821): Process: com.orangesky.mobile, PID: 4821\n"
        "E/AndroidRuntime( 4821): java.lang.IllegalStateException: Fragment not attached to a context."
    ),
    (
        "$ orangesky-cli sync --verbose\n"
        "Reading config from ~/.config/orangesky/config.toml\n"
        "Connecting to https://api.orangesky.example ... done\n"
        "Uploading 3 files\n"
        "error: quota exceeded (used 10.0 GB of 10.0 GB)"
    ),
    (
        "npm ERR! code ERESOLVE\n"
        "npm ERR! ERESOLVE unable to resolve dependency tree\n"
        "npm ERR! Found: react@18.2.0\n"
        'npm ERR! Could not resolve dependency: peer react@"^17.0.0" from @orangesky/widgets@2.1.4'
    ),
    (
        '{"error":{"code":"RATE_LIMITED","message":"Too many requests, slow down",'
        '"retry_after":120,"request_id":"a81f-22c9"}}'
    ),
    "curl: (60) SSL certificate problem: unable to get local issuer certificate",
    "ssh: connect to host sftp.orangesky.example port 22: Connection timed out",
    "kernel: [12345.678901] usb 1-1: device descriptor read/64, error -71",
    "0x80070005 E_ACCESSDENIED",
    "C:\\Users\\li.wei\\AppData\\Local\\Orangesky\\logs\\sync-2024-03-01.log",
    "/var/log/orangesky/agent.log",
    "https://app.orangesky.example/projects/4821/settings?tab=members",
    "orangesky://open?file=7f3a9c",
    "user_id=8812 org_id=77 plan=pro",
    "SELECT * FROM invoices WHERE customer_id = 8812;",
    "sudo systemctl restart orangesky-agent",
    (
        "Hi,\n\nSince this morning none of our users can open shared links. They get a white "
        "page and the console shows a CORS error. We did not change anything on our side. "
        "Could you please check? This is urgent for us because our clients use these links.\n\n"
        "Best regards,\nMaria"
    ),
    (
        "Dear support, we bought the Pro plan last week but the account still shows Free. "
        "The payment went through (see receipt). Please upgrade the account or refund us."
    ),
    (
        "I followed the guide to connect the printer but step 4 says to open Devices and there "
        "is no such menu in my version."
    ),
    (
        "The sync client uses 100% CPU all the time, even when nothing is changing. "
        "Restarting helps for ten minutes."
    ),
    "Hey, quick question: does Orangesky support SSO with Okta?",
    "how do i export to csv",
    "where r the settings??",
    "whats the limit for file size",
    "it says my trial ended but i never started one",
    "plz call me back",
    "My phone number changed, how do I update 2FA?",
    "2FA code not accepted",
    "Cannot add new members to workspace",
    "Calendar events are shown one hour off after DST change.",
    "Video calls drop after exactly 40 minutes.",
    "Audio is choppy in meetings on Linux.",
    "The Chinese characters in file names are shown as question marks.",
    "Everything is in Chinese after the update, how do I switch the language back to English?",
    "I attached the log from the agent, it is quite long sorry",
    "This is the third time I report this problem.",
    "Any update on my ticket?",
    "Still waiting for an answer.",
    "Works now, thanks a lot!",
    "You can close the ticket.",
    "Never mind, found it.",
    "Same error on two other computers.",
    "Only happens on Wi-Fi, mobile data is fine.",
    "The QR code does not scan.",
    "PDF preview is blurry.",
    "Printing cuts off the last column.",
    "Emoji in comments break the layout 😅",
    "Great app but the widget is broken 👍",
    "Test",
    "asdf",
    "...",
    "???",
    "Sorry for my english, the app not open after install.",
    "Please help me, I lost all my notes after the update!!!",
    "Our admin accidentally removed the billing owner role.",
    "Invoices PDF show wrong company address",
    "Can you add an option to disable the sound?",
    "Feature request: keyboard shortcut for archive",
    "Tap on 'Share' -> 'Copy link' -> nothing copied",
    "Click Settings > Account > Delete, get 'Forbidden'",
    "See the screenshot: the button is grey and I can't click it.",
    "Error code E1042 when opening the project",
    "Build #4471 failed with exit code 137",
    "free -m shows 120 MB available, swap full",
    "The agent service stops every night at 02:00.",
    "Hello, I have problem with my account, it is blocked after wrong password 3 times.",
    "Can't upload photos from gallery on Xiaomi Redmi Note 12.",
    "Huawei P30 Pro, EMUI 12, notifications don't show.",
    "Language: English. Region: Singapore. Timezone: UTC+8.",
    "My name is Nguyen Van An and I need an invoice for the last three months.",
    "Tanaka-san from our Tokyo office says the same.",
    "Hi Orangesky team!",
    "FYI the status page says all systems operational but we are down.",
    "Repro rate ~80%, not reproducible in incognito.",
    "Cleared cache and cookies, reinstalled, rebooted. No change.",
    "Which ports need to be open for the desktop client?",
    "Is the data stored in the EU?",
    "GDPR data export request for account id 55120",
    "Attached: har file from the browser network tab",
]

CHINESE_SIMPLIFIED = [
    "你好",
    "登录不了",
    "谢谢",
    "还是不行",
    "页面打不开",
    "无法登录，提示密码错误",
    "我的账号被锁定了，怎么解锁？",
    "导出报表的时候一直转圈，最后显示失败。",
    "昨天更新以后，应用一打开就闪退。",
    "付款成功了但是账户还是显示免费版。",
    "请问怎么修改绑定的手机号？",
    "同步客户端占用 CPU 很高，电脑特别卡。",
    "上传文件超过 10MB 就报错 500。",
    "我们公司所有人都登录不了，很着急，请尽快处理！",
    "发票上的公司名称写错了，需要重新开。",
    "截图里是报错信息，每次点保存都会出现。",
    "手机收不到验证码",
    "在 Chrome 120 上页面是空白的，Edge 上正常。",
    "我已经清除了缓存，也重装了，还是一样。",
    "这个问题从上周五开始出现的。",
    "能不能帮我把账号注销？",
    "登录时提示“会话已过期，请重新登录”。",
    "点击导出按钮没有任何反应",
    "通知延迟好几个小时才收到",
    "深色模式下设置页面的文字看不清。",
    "错误代码 E1042，打开项目时出现。",
    "我用的是 Windows 11，客户端版本 4.2.1。",
    "数据同步失败：网络连接超时",
    "为什么我的文件不见了？",
    "视频会议四十分钟后自动断开。",
    "管理员误删了账单负责人的角色，怎么恢复？",
    "请问数据存储在哪个地区？",
    "您好，我想申请退款，订单号 88213。",
    "共享链接打不开，显示白屏，控制台有 CORS 错误。",
    "二维码扫不出来",
    "客服你好，我的会员到期了但是自动续费没有成功",
    "请问有没有英文版的使用说明？",
    "升级到专业版后空间还是 10G",
    "打印的时候最后一列被截掉了",
    "搜索不到我刚上传的文件",
]

CHINESE_TRADITIONAL = [
    "你好，無法登入",
    "謝謝",
    "還是不行",
    "網頁打不開",
    "登入時顯示密碼錯誤",
    "我的帳號被鎖定了，要怎麼解鎖？",
    "匯出報表時一直轉圈，最後顯示失敗。",
    "昨天更新之後，應用程式一打開就閃退。",
    "付款成功了，但是帳戶還是顯示免費版。",
    "請問要怎麼修改綁定的手機號碼？",
    "同步用戶端佔用 CPU 很高，電腦非常卡。",
    "上傳超過 10MB 的檔案就會出現錯誤。",
    "我們公司所有人都無法登入，很緊急，請盡快處理！",
    "發票上的公司名稱寫錯了，需要重新開立。",
    "截圖裡是錯誤訊息，每次按儲存都會出現。",
    "手機收不到驗證碼",
    "通知延遲好幾個小時才收到",
    "深色模式下設定頁面的文字看不清楚。",
    "我已經清除快取，也重新安裝了，還是一樣。",
    "請問資料儲存在哪個地區？",
    "共用連結打不開，顯示空白頁面。",
    "視訊會議四十分鐘後會自動斷線。",
    "列印時最後一欄被截掉了",
    "搜尋不到我剛上傳的檔案",
    "您好，我想申請退款，訂單編號 88213。",
    "為什麼我的檔案不見了？",
    "錯誤代碼 E1042，開啟專案時出現。",
    "管理員不小心刪除了帳單負責人的角色。",
    "二維碼掃不出來",
    "請問有沒有英文版的使用說明？",
]

JAPANESE = [
    "ログインできません",
    "ありがとうございます",
    "パスワードをリセットしてもメールが届きません。",
    "アップデート後、アプリがすぐに終了します。",
    "レポートをエクスポートできませんでした。",
    "請求書の会社名が間違っています。",
    "同期クライアントのCPU使用率が高すぎます。",
    "共有リンクを開くと白い画面が表示されます。",
    "アカウントがロックされました。解除方法を教えてください。",
    "10MB以上のファイルをアップロードするとエラーになります。",
    "通知が数時間遅れて届きます。",
    "ダークモードで設定画面の文字が読めません。",
    "返金をお願いしたいです。注文番号は88213です。",
    "キャッシュを消して再インストールしましたが、変わりません。",
    "ビデオ会議が40分で切れてしまいます。",
    "データはどの地域に保存されていますか？",
    "印刷すると最後の列が切れます。",
    "二段階認証のコードが受け付けられません。",
    "管理者が誤って請求担当者の権限を削除しました。",
    "エラーコード E1042 が表示されます",
]

KOREAN = [
    "로그인이 안 돼요",
    "감사합니다",
    "비밀번호를 재설정해도 이메일이 오지 않습니다.",
    "업데이트 후 앱이 바로 종료됩니다.",
    "보고서를 내보낼 수 없습니다.",
    "청구서의 회사 이름이 잘못되었습니다.",
    "동기화 클라이언트의 CPU 사용량이 너무 높아요.",
    "공유 링크를 열면 흰 화면만 나옵니다.",
    "계정이 잠겼습니다. 어떻게 풀 수 있나요?",
    "10MB가 넘는 파일을 올리면 오류가 발생합니다.",
    "알림이 몇 시간 늦게 와요.",
    "다크 모드에서 설정 화면 글자가 안 보입니다.",
    "환불을 요청하고 싶습니다. 주문 번호는 88213입니다.",
    "캐시를 지우고 다시 설치했는데도 똑같아요.",
    "화상 회의가 40분 후에 끊깁니다.",
    "데이터는 어느 지역에 저장되나요?",
    "인쇄하면 마지막 열이 잘립니다.",
    "2단계 인증 코드가 인식되지 않습니다.",
    "관리자가 실수로 결제 담당자 권한을 삭제했어요.",
    "오류 코드 E1042가 표시됩니다",
]

OTHER_SCRIPTS = [
    ("ru", "Не могу войти в аккаунт"),
    ("ru", "Спасибо"),
    ("ru", "После обновления приложение сразу закрывается."),
    ("ru", "Письмо для сброса пароля не приходит."),
    ("ru", "Не получается выгрузить отчёт, пишет ошибку 500."),
    ("ru", "В счёте указано неправильное название компании."),
    ("ru", "Клиент синхронизации сильно грузит процессор."),
    ("ru", "Уведомления приходят с опозданием на несколько часов."),
    ("ru", "Здравствуйте! Оплата прошла, но тариф не поменялся."),
    ("ru", "Видеозвонок обрывается ровно через 40 минут."),
    ("ru", "Где хранятся наши данные?"),
    ("ru", "Ошибка: не удалось подключиться к серверу"),
    ("ru", "Очистил кэш и переустановил, ничего не изменилось."),
    ("ru", "Прошу удалить мой аккаунт и все данные."),
    ("ru", "Код двухфакторной аутентификации не принимается."),
    ("uk", "Не можу увійти в обліковий запис"),
    ("uk", "Після оновлення програма одразу закривається."),
    ("uk", "Лист для скидання пароля не надходить."),
    ("uk", "Дякую, усе працює."),
    ("uk", "Сповіщення приходять із запізненням на кілька годин."),
    ("uk", "Де зберігаються наші дані?"),
    ("ar", "لا أستطيع تسجيل الدخول"),
    ("ar", "شكرا جزيلا"),
    ("ar", "بعد التحديث يتم إغلاق التطبيق مباشرة."),
    ("ar", "لا تصلني رسالة إعادة تعيين كلمة المرور."),
    ("ar", "اسم الشركة في الفاتورة غير صحيح."),
    ("ar", "الإشعارات تصل متأخرة بعدة ساعات."),
    ("ar", "تم الدفع ولكن الحساب ما زال مجانيا."),
    ("ar", "أين يتم تخزين بياناتنا؟"),
    ("fa", "نمی‌توانم وارد حسابم شوم."),
    ("fa", "بعد از به‌روزرسانی برنامه فوراً بسته می‌شود."),
    ("fa", "اعلان‌ها با چند ساعت تأخیر می‌رسند."),
    ("he", "אני לא מצליח להתחבר לחשבון"),
    ("he", "אחרי העדכון האפליקציה נסגרת מיד."),
    ("he", "תודה רבה"),
    ("he", "שם החברה בחשבונית שגוי."),
    ("el", "Δεν μπορώ να συνδεθώ στον λογαριασμό μου."),
    ("el", "Μετά την ενημέρωση η εφαρμογή κλείνει αμέσως."),
    ("el", "Ευχαριστώ πολύ"),
    ("el", "Οι ειδοποιήσεις έρχονται με καθυστέρηση."),
    ("th", "เข้าสู่ระบบไม่ได้"),
    ("th", "หลังจากอัปเดตแอปปิดทันที"),
    ("th", "ขอบคุณครับ"),
    ("th", "ชื่อบริษัทในใบแจ้งหนี้ไม่ถูกต้อง"),
    ("th", "การแจ้งเตือนมาช้าหลายชั่วโมง"),
    ("hi", "मैं लॉग इन नहीं कर पा रहा हूँ।"),
    ("hi", "अपडेट के बाद ऐप तुरंत बंद हो जाता है।"),
    ("hi", "धन्यवाद"),
    ("hi", "पासवर्ड रीसेट करने का ईमेल नहीं आ रहा है।"),
    ("hi", "इनवॉइस में कंपनी का नाम गलत है।"),
]

LATIN_OTHER = [
    ("es", "No puedo iniciar sesión"),
    ("es", "Gracias, ya funciona."),
    ("es", "Después de la actualización la aplicación se cierra sola."),
    ("es", "No me llega el correo para restablecer la contraseña."),
    ("es", "El nombre de la empresa en la factura está mal."),
    ("es", "Las notificaciones llegan con varias horas de retraso."),
    ("es", "Pagué el plan Pro pero la cuenta sigue siendo gratuita."),
    ("es", "La videollamada se corta a los cuarenta minutos."),
    ("es", "¿Dónde se guardan nuestros datos?"),
    ("es", "Hola, necesito ayuda con mi cuenta, está bloqueada."),
    ("es", "Borré la caché y reinstalé, pero sigue igual."),
    ("es", "al subir archivos de mas de 10 MB sale un error"),
    ("es", "Por favor eliminen mi cuenta y todos mis datos."),
    ("es", "No se puede exportar el informe"),
    ("fr", "Je n'arrive pas à me connecter"),
    ("fr", "Merci beaucoup, ça marche maintenant."),
    ("fr", "Depuis la mise à jour, l'application se ferme tout de suite."),
    ("fr", "Je ne reçois pas l'e-mail de réinitialisation du mot de passe."),
    ("fr", "Le nom de la société sur la facture est incorrect."),
    ("fr", "Les notifications arrivent avec plusieurs heures de retard."),
    ("fr", "J'ai payé l'abonnement Pro mais le compte est toujours gratuit."),
    ("fr", "L'appel vidéo coupe au bout de quarante minutes."),
    ("fr", "Où sont stockées nos données ?"),
    ("fr", "Bonjour, mon compte est bloqué, pouvez-vous m'aider ?"),
    ("fr", "J'ai vidé le cache et réinstallé, rien ne change."),
    ("fr", "impossible d'exporter le rapport"),
    ("fr", "Merci de supprimer mon compte et toutes mes données."),
    ("fr", "la page reste blanche quand je clique sur le lien partagé"),
    ("de", "Ich kann mich nicht anmelden"),
    ("de", "Danke, jetzt funktioniert es."),
    ("de", "Nach dem Update schließt sich die App sofort."),
    ("de", "Die E-Mail zum Zurücksetzen des Passworts kommt nicht an."),
    ("de", "Der Firmenname auf der Rechnung ist falsch."),
    ("de", "Benachrichtigungen kommen mit mehreren Stunden Verspätung."),
    ("de", "Ich habe den Pro-Tarif bezahlt, aber das Konto ist immer noch kostenlos."),
    ("de", "Der Videoanruf bricht nach genau vierzig Minuten ab."),
    ("de", "Wo werden unsere Daten gespeichert?"),
    ("de", "Hallo, mein Konto ist gesperrt, können Sie mir helfen?"),
    ("de", "Cache geleert und neu installiert, keine Änderung."),
    ("de", "der Bericht kann nicht exportiert werden"),
    ("de", "Bitte löschen Sie mein Konto und alle meine Daten."),
    ("de", "die Seite bleibt weiß wenn ich auf den Link klicke"),
    ("pt", "Não consigo entrar na minha conta"),
    ("pt", "Obrigado, agora funciona."),
    ("pt", "Depois da atualização o aplicativo fecha sozinho."),
    ("pt", "Não recebo o e-mail para redefinir a senha."),
    ("pt", "O nome da empresa na fatura está errado."),
    ("pt", "As notificações chegam com várias horas de atraso."),
    ("pt", "Paguei o plano Pro mas a conta continua gratuita."),
    ("pt", "Onde ficam armazenados os nossos dados?"),
    ("pt", "Olá, minha conta está bloqueada, podem me ajudar?"),
    ("pt", "Limpei o cache e reinstalei, continua igual."),
    ("pt", "não dá para exportar o relatório"),
    ("pt", "Por favor apaguem a minha conta e todos os meus dados."),
    ("it", "Non riesco ad accedere al mio account"),
    ("it", "Grazie, adesso funziona."),
    ("it", "Dopo l'aggiornamento l'app si chiude subito."),
    ("it", "Non ricevo l'email per reimpostare la password."),
    ("it", "Il nome dell'azienda sulla fattura è sbagliato."),
    ("it", "Le notifiche arrivano con diverse ore di ritardo."),
    ("it", "Ho pagato il piano Pro ma l'account risulta ancora gratuito."),
    ("it", "Dove vengono conservati i nostri dati?"),
    ("it", "Ciao, il mio account è bloccato, potete aiutarmi?"),
    ("it", "non riesco a esportare il rapporto"),
    ("nl", "Ik kan niet inloggen"),
    ("nl", "Bedankt, het werkt nu."),
    ("nl", "Na de update sluit de app meteen af."),
    ("nl", "Ik krijg de e-mail om mijn wachtwoord te herstellen niet."),
    ("nl", "De bedrijfsnaam op de factuur klopt niet."),
    ("nl", "Meldingen komen uren te laat binnen."),
    ("nl", "Waar worden onze gegevens opgeslagen?"),
    ("nl", "het rapport kan niet worden geëxporteerd"),
    ("pl", "Nie mogę się zalogować"),
    ("pl", "Dziękuję, teraz działa."),
    ("pl", "Po aktualizacji aplikacja od razu się zamyka."),
    ("pl", "Nie dostaję e-maila do resetowania hasła."),
    ("pl", "Nazwa firmy na fakturze jest błędna."),
    ("pl", "Powiadomienia przychodzą z kilkugodzinnym opóźnieniem."),
    ("pl", "Gdzie przechowywane są nasze dane?"),
    ("pl", "nie da się wyeksportować raportu"),
    ("tr", "Hesabıma giriş yapamıyorum"),
    ("tr", "Teşekkürler, şimdi çalışıyor."),
    ("tr", "Güncellemeden sonra uygulama hemen kapanıyor."),
    ("tr", "Şifre sıfırlama e-postası gelmiyor."),
    ("tr", "Faturadaki şirket adı yanlış."),
    ("tr", "Bildirimler birkaç saat gecikmeyle geliyor."),
    ("tr", "Verilerimiz nerede saklanıyor?"),
    ("tr", "rapor dışa aktarılamıyor"),
    ("id", "Saya tidak bisa masuk ke akun saya"),
    ("id", "Terima kasih, sekarang sudah bisa."),
    ("id", "Setelah pembaruan aplikasi langsung tertutup."),
    ("id", "Email untuk mengatur ulang kata sandi tidak masuk."),
    ("id", "Nama perusahaan di faktur salah."),
    ("id", "Notifikasi datang terlambat beberapa jam."),
    ("vi", "Tôi không thể đăng nhập"),
    ("vi", "Cảm ơn, bây giờ đã hoạt động."),
    ("vi", "Sau khi cập nhật ứng dụng tự đóng ngay."),
    ("vi", "Tôi không nhận được email đặt lại mật khẩu."),
    ("vi", "Tên công ty trên hóa đơn bị sai."),
    ("vi", "Thông báo đến trễ vài giờ."),
    ("vi", "Dữ liệu của chúng tôi được lưu ở đâu?"),
    ("vi", "khong the xuat bao cao, bao loi 500"),
    ("sv", "Jag kan inte logga in"),
    ("sv", "Efter uppdateringen stängs appen direkt."),
    ("sv", "Företagsnamnet på fakturan är fel."),
    ("sv", "Aviseringarna kommer flera timmar för sent."),
    ("sv", "Tack, nu fungerar det."),
    ("cs", "Nemohu se přihlásit"),
    ("cs", "Po aktualizaci se aplikace hned zavře."),
    ("cs", "Název firmy na faktuře je špatně."),
    ("cs", "Oznámení chodí s několikahodinovým zpožděním."),
    ("ro", "Nu mă pot conecta la cont"),
    ("ro", "După actualizare aplicația se închide imediat."),
    ("ro", "Numele firmei de pe factură este greșit."),
    ("ro", "Notificările vin cu câteva ore întârziere."),
]

# Chinese (and Japanese, Russian) prose carrying English product names, error words and
# versions: the words a customer copies from an English interface do not make it English.
MIXED_NOT_ENGLISH = [
    ("zh", "API 返回 401 Unauthorized，token 是刚生成的。"),
    ("zh", "Telegram Desktop 4.14 Windows 版 登录失败"),
    ("zh", "升级到 v2.14.3 (build 8812) 以后 Settings 页面 crash"),
    ("zh", "Error 500 了"),
    ("zh", "Chrome 打不开"),
    ("zh", "登录后 Dashboard 一直 loading"),
    ("zh", "点击 Export 按钮没有反应"),
    ("zh", "Sync 失败，提示 ECONNRESET"),
    ("zh", "iOS app 闪退"),
    ("zh", "Settings 里面的 Backup 选项不见了, please help"),
    ("zh", "上传超过 10 MB 的 PDF 就报 413 Request Entity Too Large"),
    ("zh", "我用的是 Firefox 121 和 macOS Sonoma"),
    ("zh", "在 Safari 上 SSO 登录跳转到 Okta 以后就 blank page 了"),
    ("zh", "webhook 一直 timeout，是不是 server 的问题？"),
    ("zh", "Admin console 里看不到 billing 页面"),
    ("zh", "帳號被 lock 了，收不到 reset password 的 email"),
    ("zh", "2024-03-18 09:14:25 ERROR [auth] 登录失败：token 过期"),
    ("ja", "Settings 画面で Export を押すとエラーになります"),
    ("ja", "API が 401 Unauthorized を返します"),
    ("ru", "Ошибка 500 при входе в Settings"),
    ("ru", "После обновления до v2.14 не работает Export"),
]

# English with a Chinese name, folder or label in it: still English, since the customer wrote
# English and support can read it.
MIXED_ENGLISH = [
    "My name is 张伟 and I cannot log in since Monday",
    "The button labelled 登录 does nothing when I click it",
    "Failed to open C:\\Users\\张三\\AppData\\Local\\Orangesky\\config.json",
    "Please contact our admin 李娜 (li.na@example.com) about the invoice.",
    "The export of the folder 项目报告 fails with error 500 every time.",
    "2024-03-18 09:14:25 WARN [sync] skipped /home/wang/文档/report.pdf: permission denied",
    "Our company name is 橙天科技 and it is spelled wrong on the invoice.",
    "Login fails for the user Дмитрий since the last update.",
]

SAMPLES: list[tuple[str, str]] = (
    [("en", text) for text in ENGLISH]
    + [("zh", text) for text in CHINESE_SIMPLIFIED + CHINESE_TRADITIONAL]
    + [("ja", text) for text in JAPANESE]
    + [("ko", text) for text in KOREAN]
    + OTHER_SCRIPTS
    + LATIN_OTHER
    + MIXED_NOT_ENGLISH
    + [("en", text) for text in MIXED_ENGLISH]
)
