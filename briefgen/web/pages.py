"""The two pages, as HTML: every value escaped, every control labelled, no script inline.

The page is plain HTML that works with the keyboard: native controls in a logical order,
a label for each, help and problems tied to their control with aria-describedby, live
regions for the preview and progress. app.js only adds the preview, the uploads and the
polling; the words it needs travel in a JSON block (data, not script).
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from briefgen.web.i18n import STRINGS, UI_LANGUAGES

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية",
                  "de": "Deutsch", "it": "Italiano", "pt": "Português"}


def h(value) -> str:
    return escape(str(value), quote=True)


def _shell(ui: str, csrf: str, active: str, title: str, body: str, page: str) -> str:
    t = STRINGS[ui]
    current_page, current = ' aria-current="page"', ' aria-current="true"'
    nav = "".join(
        f'<a href="{href}"{current_page if key == active else ""}>{h(t[key])}</a>'
        for key, href in (("nav_brief", "/"), ("nav_campaign", "/campaigns")))
    langs = "".join(
        f'<a href="?ui={code}" lang="{code}" hreflang="{code}"'
        f'{current if code == ui else ""}>{h(name)}</a>'
        for code, name in UI_LANGUAGES.items())
    strings = json.dumps(t, ensure_ascii=False).replace("<", "\\u003c")
    return f"""<!doctype html>
<html lang="{ui}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{h(csrf)}">
<title>{h(title)} · briefgen</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/icon.svg" type="image/svg+xml">
<script src="/static/app.js" defer></script>
</head>
<body data-page="{page}" data-ui="{ui}">
<a class="skip" href="#main">{h(t['skip'])}</a>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true">b</span>
    <span><strong>briefgen</strong> <span class="tagline">{h(t['tagline'])}</span></span></div>
  <nav class="tabs" aria-label="briefgen">{nav}</nav>
  <nav class="ui-lang" aria-label="{h(t['ui_language'])}">{langs}</nav>
</header>
<main id="main" tabindex="-1">
{body}
</main>
<script type="application/json" id="strings">{strings}</script>
</body>
</html>
"""


def _field(name: str, label: str, control: str, help_text: str = "") -> str:
    help_html = f'<p class="help" id="help-{name}">{h(help_text)}</p>' if help_text else ""
    return (f'<div class="field" data-field="{name}">'
            f'<label for="f-{name}">{h(label)}</label>{help_html}{control}'
            f'<p class="problem" id="problem-{name}" role="alert" hidden></p></div>')


def _described(name: str, help_text: str) -> str:
    ids = (f"help-{name} " if help_text else "") + f"problem-{name}"
    return f'aria-describedby="{ids}"'


def brief_page(ui: str, csrf: str, *, priorities, languages, layouts, countries,
               brands=(), max_megapixels: int = 25) -> str:
    """priorities: (id, number, title); languages: codes; layouts: (name, description);
    countries: (code, name) in the page's language; brands: the session's saved brands
    (brands.public), newest first."""
    t = STRINGS[ui]

    def text_input(name, kind="text", extra=""):
        return (f'<input id="f-{name}" name="{name}" type="{kind}" '
                f'{_described(name, t.get(name + "_help", ""))} {extra}>')

    country_list = "".join(f'<option value="{h(name)}">{h(code)}</option>'
                           for code, name in countries)
    lang_options = "".join(
        f'<option value="{h(code)}" lang="{h(code)}"{" selected" if code == ui else ""}>'
        f'{h(LANGUAGE_NAMES.get(code, code))}</option>' for code in languages)
    layout_options = "".join(
        f'<option value="{h(name)}">'
        f'{h(t.get("layout_" + name) or (desc.split(",")[0] if desc else name))}</option>'
        for name, desc in layouts)
    checks = "".join(
        f'<li><input type="checkbox" id="p-{h(pid)}" name="priorities" value="{h(pid)}">'
        f'<label for="p-{h(pid)}"><span class="num">{n}</span> {h(title)}</label></li>'
        for pid, n, title in priorities)
    today = dt.date.today().isoformat()
    place = "".join([
        _field("municipality", t["municipality"],
               text_input("municipality", extra='required autocomplete="off" maxlength="120"'),
               t["municipality_help"]),
        _field("country", t["country"],
               text_input("country", extra='list="countries" autocomplete="off"')
               + f'<datalist id="countries">{country_list}</datalist>', t["country_help"]),
        _field("lang", t["lang"],
               f'<select id="f-lang" name="lang" {_described("lang", "")}>{lang_options}'
               '</select>'),
        _field("layout", t["layout"],
               f'<select id="f-layout" name="layout" {_described("layout", "")}>'
               f'{layout_options}</select>'),
    ])
    brand_options = f'<option value="">{h(t["brand_none"])}</option>' + "".join(
        f'<option value="{h(b["id"])}">{h(b["label"])}</option>' for b in brands)

    def upload_field(name, label, accept, help_text="", multiple=False):
        return _field(name, label,
                      f'<input id="f-{name}" name="{name}" type="file" accept="{accept}"'
                      f'{" multiple" if multiple else ""} {_described(name, help_text)}>',
                      help_text)
    brand = f"""<fieldset class="brand-kit" aria-describedby="help-brand">
  <legend>{h(t['brand'])}</legend>
  <p class="help" id="help-brand">{h(t['brand_help'])}</p>
  {_field("brand", t["brand_choice"],
          f'<select id="f-brand" name="brand" {_described("brand", "")}>{brand_options}</select>')}
  <details class="brand-upload" id="brand-upload"{"" if brands else " open"}>
    <summary>{h(t['brand_upload'])}</summary>
    {upload_field("brand_file", t["brand_file"], ".yml,.yaml", t["brand_file_help"])}
    {upload_field("logo", t["logo"], ".png,.jpg,.jpeg,.svg,image/png,image/jpeg,image/svg+xml",
                  t["logo_help"].format(mp=max_megapixels))}
    {upload_field("brand_files", t["brand_files"], ".ttf,.png,.jpg,.jpeg,.svg", multiple=True)}
    <button type="button" id="brand-save">{h(t['brand_save'])}</button>
  </details>
  <p class="status" id="brand-status" role="status" aria-live="polite"></p>
</fieldset>"""
    content = f"""<fieldset class="priorities" aria-describedby="help-priorities problem-priorities">
  <legend>{h(t['priorities'])}</legend>
  <p class="help" id="help-priorities">{h(t['priorities_help'])}</p>
  <ul class="checks">{checks}</ul>
  <p class="problem" id="problem-priorities" role="alert" hidden></p>
</fieldset>
<fieldset class="examples" aria-describedby="help-examples problem-examples">
  <legend>{h(t['examples'])}</legend>
  <p class="help" id="help-examples">{h(t['examples_help'])}</p>
  <ul class="checks" id="examples-list"><li class="empty">{h(t['examples_none'])}</li></ul>
  <p class="problem" id="problem-examples" role="alert" hidden></p>
</fieldset>
{_field("local_context", t["local_context"],
        f'<textarea id="f-local_context" name="local_context" rows="4" maxlength="4000" '
        f'{_described("local_context", t["local_context_help"])}></textarea>',
        t["local_context_help"])}"""
    issuer = "".join([
        _field("organisation", t["organisation"],
               text_input("organisation", extra='autocomplete="organization"')),
        _field("contact", t["contact"], text_input("contact"), t["contact_help"]),
        _field("date", t["date"], text_input("date", "date", f'value="{today}"')),
    ])
    kinds = "".join(
        f'<label class="seg"><input type="radio" name="preview_kind" value="{v}"'
        f'{" checked" if v == "brief" else ""}> {h(t[k])}</label>'
        for v, k in (("brief", "kind_brief"), ("factsheets", "kind_factsheets"),
                     ("at-a-glance", "kind_overview")))
    body = f"""<div class="intro"><h1>{h(t['brief_heading'])}</h1><p>{h(t['brief_lead'])}</p></div>
<div class="workspace">
<form id="brief-form" class="card form" novalidate>
  <fieldset><legend>{h(t['place'])}</legend>{place}</fieldset>
  {brand}
  <fieldset><legend>{h(t['content'])}</legend>{content}</fieldset>
  <fieldset><legend>{h(t['issuer'])}</legend>{issuer}</fieldset>
</form>
<section class="card preview" aria-labelledby="preview-heading">
  <div class="preview-head">
    <h2 id="preview-heading">{h(t['preview'])}</h2>
    <fieldset class="segmented"><legend class="sr">{h(t['preview_of'])}</legend>{kinds}</fieldset>
  </div>
  <p class="problem general" id="problem-general" role="alert" hidden></p>
  <ul class="notes" id="warnings" hidden></ul>
  <p class="status" id="preview-status" role="status" aria-live="polite">{h(t['preview_empty'])}</p>
  <ol class="pages" id="pages" aria-label="{h(t['preview'])}"></ol>
  <div class="downloads">
    <button type="button" class="primary" data-download="brief">{h(t['download_brief'])}</button>
    <button type="button" data-download="factsheets">{h(t['download_factsheets'])}</button>
    <button type="button" data-download="at-a-glance">{h(t['download_overview'])}</button>
  </div>
  <p class="status" id="download-status" role="status" aria-live="polite"></p>
</section>
</div>"""
    return _shell(ui, csrf, "nav_brief", t["nav_brief"], body, "brief")


def campaign_page(ui: str, csrf: str, *, max_mb: int, max_rows: int,
                  suffixes: tuple[str, ...], columns: list[tuple[str, str]],
                  priorities, brands=()) -> str:
    """columns: (name, description) of every column a campaign row may have;
    priorities: (id, number, title) as on the brief page."""
    t = STRINGS[ui]
    excel = any(s.startswith(".xls") for s in suffixes)
    label = t["campaign_file_xlsx" if excel else "campaign_file"]
    accept = ",".join(suffixes) + ",text/csv"
    body = f"""<div class="intro"><h1>{h(t['campaign_heading'])}</h1><p>{h(t['campaign_lead'])}</p></div>
<div class="campaign-grid">
<section class="card">
<form id="upload-form" novalidate>
  <div class="field" data-field="file">
    <label for="f-file">{h(label)}</label>
    <p class="help" id="help-file">{h(t['campaign_file_help'])} ({max_mb} MB, {max_rows} {h(t['rows']).lower()})</p>
    <input id="f-file" name="file" type="file" accept="{h(accept)}"
      aria-describedby="help-file problem-file" required>
    <p class="problem" id="problem-file" role="alert" hidden></p>
  </div>
  {_field("brand", t["brand_choice"],
          f'<select id="f-brand" name="brand" {_described("brand", t["campaign_brand_help"])}>'
          f'<option value="">{h(t["brand_none"])}</option>'
          + "".join(f'<option value="{h(b["id"])}">{h(b["label"])}</option>' for b in brands)
          + '</select>', t["campaign_brand_help"])}
  <button type="submit" class="primary">{h(t['upload'])}</button>
  <p class="status" id="upload-status" role="status" aria-live="polite"></p>
</form>
<details class="columns">
  <summary>{h(t['columns'])}</summary>
  <p>{h(t['columns_lead'])} <a href="/campaigns/example.csv" download>{h(t['template'])}</a></p>
  <table class="grid">
    <thead><tr><th scope="col">{h(t['column_name'])}</th><th scope="col">{h(t['column_meaning'])}</th></tr></thead>
    <tbody>{"".join(f"<tr><td><code>{h(n)}</code></td><td>{h(d)}</td></tr>" for n, d in columns)}</tbody>
  </table>
  <h3>{h(t['priority_ids'])}</h3>
  <table class="grid">
    <tbody>{"".join(f"<tr><td><code>{h(i)}</code> · {n}</td><td>{h(title)}</td></tr>" for i, n, title in priorities)}</tbody>
  </table>
</details>
</section>
<section class="card" id="campaign" hidden aria-labelledby="campaign-name">
  <h2 id="campaign-name"></h2>
  <p class="status" id="campaign-summary" role="status" aria-live="polite"></p>
  <div id="problems-wrap" hidden>
    <table class="grid" id="problems">
      <caption class="sr">{h(t['message'])}</caption>
      <thead><tr><th scope="col">{h(t['row'])}</th><th scope="col">{h(t['municipality'])}</th>
      <th scope="col">{h(t['column'])}</th><th scope="col">{h(t['message'])}</th></tr></thead>
      <tbody></tbody>
    </table>
  </div>
  <div class="actions">
    <button type="button" class="primary" id="start">{h(t['start'])}</button>
    <a class="button" id="zip" hidden download>{h(t['download_zip'])}</a>
  </div>
  <div id="progress-wrap" hidden>
    <h3>{h(t['progress'])}</h3>
    <progress id="progress" max="1" value="0" aria-labelledby="progress-line"></progress>
    <p id="progress-line" role="status" aria-live="polite"></p>
    <p id="time-left"></p>
    <div id="failures-wrap" hidden>
      <h3>{h(t['failures'])}</h3>
      <table class="grid" id="failures">
        <thead><tr><th scope="col">{h(t['row'])}</th><th scope="col">{h(t['municipality'])}</th>
        <th scope="col">{h(t['message'])}</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </div>
</section>
<section class="card" aria-labelledby="list-heading">
  <h2 id="list-heading">{h(t['your_campaigns'])}</h2>
  <table class="grid" id="campaign-list">
    <thead><tr><th scope="col">{h(t['file'])}</th><th scope="col">{h(t['created'])}</th>
    <th scope="col">{h(t['rows'])}</th><th scope="col">{h(t['status'])}</th>
    <th scope="col"><span class="sr">{h(t['open'])}</span></th></tr></thead>
    <tbody><tr class="empty"><td colspan="5">{h(t['no_campaigns'])}</td></tr></tbody>
  </table>
</section>
</div>"""
    return _shell(ui, csrf, "nav_campaign", t["nav_campaign"], body, "campaign")


def message_page(ui: str, title: str, message: str) -> str:
    return _shell(ui, "", "", title,
                  f'<div class="intro"><h1>{h(title)}</h1><p>{h(message)}</p></div>', "message")
