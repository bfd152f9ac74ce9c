"""The staff review web app (aiohttp + Jinja2): build it with ``app.create_staff_app(db)``.

Kept import-free so that plain modules here (export, present) load without aiohttp.
"""
