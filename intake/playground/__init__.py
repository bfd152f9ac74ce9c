"""The playground: try the real bot in a browser with no Telegram and no token.

``server.Playground`` composes the Bot API emulator, the bot polling it, the web chat
(``chat.create_chat_app``) and the staff app; ``python main.py`` starts it.
"""
