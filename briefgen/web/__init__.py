"""`briefgen serve`: a web page where campaign staff build briefs and campaigns without a
terminal. A thin layer over the library API (build.Workspace, selection, campaign):

    server.py     serve(): checks, the access token, uvicorn
    app.py        the routes; every build goes to the worker pool
    security.py   token, Host check, sessions, CSRF, body limits, security headers
    store.py      the --data folder: one folder per session, upload and job
    forms.py      the brief form -> Profile and the problems of each field
    tasks.py      what a worker process does for a preview or a download
    campaigns.py  upload, check, build, progress, ZIP, resume after a restart
    pages.py      the HTML; i18n.py its words in English, Spanish and French
    static/       app.css, app.js, icon.svg: everything the page loads
"""
