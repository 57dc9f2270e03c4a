"""The web page's own words in English, Spanish and French.

Documents speak the content pack's languages; these are only the page's labels, buttons
and status lines. Every language has every key (a test checks it).
"""

from __future__ import annotations

UI_LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "briefgen",
        "priority_ids": "Priorities: what to write in the priorities column (the id or the number)",
        "columns": "Which columns can the spreadsheet have?",
        "columns_lead": "Only municipality is required. Lists (priorities, outputs) take several values separated by semicolons, e.g. protect;services.",
        "template": "Download an example spreadsheet (CSV)",
        "column_name": "Column",
        "column_meaning": "What it holds",
        "layout_default": "A4 (sans-serif headings, blue)",
        "layout_letter": "US Letter (serif headings, green)",
        "need_token": "This briefgen server needs its access token: open the full address that was printed when it started (it ends in ?token=...).",
        "wrong_host": "This server only answers requests addressed to this computer (127.0.0.1 or localhost).",
        "tagline": "Briefs for mayors and city councils",
        "nav_brief": "One brief",
        "nav_campaign": "A campaign",
        "skip": "Skip to the form",
        "ui_language": "Page language",
        "brief_heading": "Make a brief for one place",
        "brief_lead": "Fill in the form: the preview of the pages follows every change. "
                      "When it looks right, download the brief, its factsheets or the "
                      "one-page overview.",
        "place": "The place",
        "municipality": "Municipality",
        "municipality_help": "The town or city the brief is for, as it should appear on the "
                             "cover.",
        "country": "Country",
        "country_help": "Start typing and pick from the list, or type a code such as SE.",
        "lang": "Language of the brief",
        "layout": "Page layout",
        "brand": "Brand",
        "brand_help": "Your organisation's name, logo and colours on every page. Pick a "
                      "brand you uploaded before, or upload one below.",
        "brand_choice": "Brand of the documents",
        "campaign_brand_help": "A brand uploaded on the One brief page, for every row.",
        "brand_none": "None: briefgen's own design",
        "brand_upload": "Upload a brand",
        "brand_file": "Brand file (_brand.yml, optional)",
        "brand_file_help": "The brand file your organisation keeps for Quarto reports: "
                           "name, colours, logo. It may name only the files you upload with "
                           "it.",
        "logo": "Logo (PNG, JPEG or SVG)",
        "logo_help": "Up to {mp} megapixels. With no brand file, the logo alone is the brand.",
        "brand_files": "Other files the brand file names (fonts as .ttf, more logos; optional)",
        "brand_save": "Upload the brand",
        "brand_uploading": "Checking the brand…",
        "brand_saved": "Brand saved: {name}. The preview and downloads now use it.",
        "content": "What the brief covers",
        "priorities": "Priorities",
        "priorities_help": "Tick the priorities to include. With none ticked, the brief "
                           "covers all of them.",
        "examples": "Examples from elsewhere",
        "examples_help": "The examples briefgen suggests for this place, most relevant "
                         "first. Untick the ones you do not want.",
        "examples_none": "Type a municipality to see the suggested examples.",
        "local_context": "Local context",
        "local_context_help": "A paragraph on the situation in the municipality, printed "
                              "in the introduction (optional).",
        "issuer": "Who sends it",
        "organisation": "Organisation",
        "contact": "Contact",
        "contact_help": "An e-mail address or phone number for the closing section.",
        "date": "Date",
        "preview": "Preview",
        "preview_of": "Show",
        "kind_brief": "Brief",
        "kind_factsheets": "Factsheets",
        "kind_overview": "Overview",
        "preview_empty": "The pages appear here as soon as the form names a municipality.",
        "preview_updating": "Updating the preview…",
        "preview_ready": "Preview up to date: {pages} pages.",
        "preview_ready_one": "Preview up to date: 1 page.",
        "preview_problem": "The preview cannot be made until the problems marked in the form "
                           "are fixed.",
        "page_n": "Page {n}",
        "download": "Download",
        "download_brief": "Download the brief",
        "download_factsheets": "Download the factsheets",
        "download_overview": "Download the overview",
        "downloading": "Building the PDF…",
        "downloaded": "Your PDF is ready: {name}.",
        "problem": "Problem",
        "warning": "Note",
        "server_error": "The server could not answer. Try again in a moment.",
        "campaign_heading": "Build a whole campaign from a spreadsheet",
        "campaign_lead": "Upload a spreadsheet with one row per municipality. briefgen checks "
                         "every row first and lists every problem; then build them all and "
                         "download one ZIP file.",
        "campaign_file": "Spreadsheet (CSV)",
        "campaign_file_xlsx": "Spreadsheet (Excel or CSV)",
        "campaign_file_help": "An Excel workbook (.xlsx: its first sheet) or a CSV file, one row "
                              "per municipality. The first row names the columns: "
                              "municipality, country, lang, priorities, outputs, ...",
        "upload": "Upload and check",
        "uploading": "Checking every row…",
        "checked_ok": "All {total} rows are fine.",
        "built_bad": "Rows with problems: {bad} of {total}; they were left out. Fix them in "
                     "the spreadsheet and upload it again to build them too.",
        "checked_bad": "Rows with problems: {bad} of {total}. Those rows will fail alone; "
                       "fix them in the spreadsheet and upload it again, or build the others "
                       "now.",
        "row": "Row",
        "column": "Column",
        "message": "Problem",
        "start": "Build the campaign",
        "resume": "Resume",
        "rebuild": "Build again",
        "progress": "Progress",
        "progress_line": "{done} of {total} rows done: {built} built, {skipped} unchanged, "
                         "{failed} failed.",
        "time_left": "About {time} left.",
        "failures": "Rows that failed",
        "status_checked": "Checked, not built yet",
        "status_running": "Building",
        "status_done": "Done",
        "status_interrupted": "Interrupted: resume to finish it",
        "status_error": "Stopped",
        "download_zip": "Download the ZIP (PDFs, packet and manifest)",
        "your_campaigns": "Your campaigns",
        "no_campaigns": "No campaigns yet.",
        "open": "Open",
        "created": "Uploaded",
        "file": "File",
        "status": "Status",
        "rows": "Rows",
    },
    "es": {
        "title": "briefgen",
        "priority_ids": "Prioridades: qué escribir en la columna priorities (el identificador o el número)",
        "columns": "¿Qué columnas puede tener la hoja?",
        "columns_lead": "Solo municipality es obligatoria. Las listas (priorities, outputs) admiten varios valores separados por punto y coma, por ejemplo protect;services.",
        "template": "Descargar una hoja de ejemplo (CSV)",
        "column_name": "Columna",
        "column_meaning": "Qué contiene",
        "layout_default": "A4 (títulos sin serifa, azul)",
        "layout_letter": "Carta EE. UU. (títulos con serifa, verde)",
        "need_token": "Este servidor de briefgen necesita su clave de acceso: abra la dirección completa que se mostró al iniciarlo (termina en ?token=...).",
        "wrong_host": "Este servidor solo responde a peticiones dirigidas a este ordenador (127.0.0.1 o localhost).",
        "tagline": "Informes para alcaldías y concejos municipales",
        "nav_brief": "Un informe",
        "nav_campaign": "Una campaña",
        "skip": "Ir al formulario",
        "ui_language": "Idioma de la página",
        "brief_heading": "Preparar un informe para un lugar",
        "brief_lead": "Rellene el formulario: la vista previa de las páginas sigue cada "
                      "cambio. Cuando esté bien, descargue el informe, sus fichas o el "
                      "resumen de una página.",
        "place": "El lugar",
        "municipality": "Municipio",
        "municipality_help": "La ciudad o el pueblo al que va dirigido el informe, tal como "
                             "debe figurar en la portada.",
        "country": "País",
        "country_help": "Empiece a escribir y elija en la lista, o escriba un código como ES.",
        "lang": "Idioma del informe",
        "layout": "Formato de página",
        "brand": "Marca",
        "brand_help": "El nombre, el logotipo y los colores de su organización en cada "
                      "página. Elija una marca que ya subió o suba una abajo.",
        "brand_choice": "Marca de los documentos",
        "campaign_brand_help": "Una marca subida en la página Un informe, para todas las filas.",
        "brand_none": "Ninguna: el diseño propio de briefgen",
        "brand_upload": "Subir una marca",
        "brand_file": "Archivo de marca (_brand.yml, opcional)",
        "brand_file_help": "El archivo de marca que su organización usa para los informes "
                           "de Quarto: nombre, colores, logotipo. Solo puede nombrar los "
                           "archivos que suba con él.",
        "logo": "Logotipo (PNG, JPEG o SVG)",
        "logo_help": "Hasta {mp} megapíxeles. Sin archivo de marca, el logotipo solo es la "
                     "marca.",
        "brand_files": "Otros archivos que nombra el archivo de marca (fuentes .ttf, más "
                       "logotipos; opcional)",
        "brand_save": "Subir la marca",
        "brand_uploading": "Comprobando la marca…",
        "brand_saved": "Marca guardada: {name}. La vista previa y las descargas ya la usan.",
        "content": "Qué abarca el informe",
        "priorities": "Prioridades",
        "priorities_help": "Marque las prioridades que desea incluir. Si no marca ninguna, "
                           "el informe las abarca todas.",
        "examples": "Ejemplos de otros lugares",
        "examples_help": "Los ejemplos que briefgen propone para este lugar, los más "
                         "cercanos primero. Desmarque los que no quiera.",
        "examples_none": "Escriba un municipio para ver los ejemplos propuestos.",
        "local_context": "Contexto local",
        "local_context_help": "Un párrafo sobre la situación en el municipio, que se imprime "
                              "en la introducción (opcional).",
        "issuer": "Quién lo envía",
        "organisation": "Organización",
        "contact": "Contacto",
        "contact_help": "Un correo electrónico o un teléfono para la sección final.",
        "date": "Fecha",
        "preview": "Vista previa",
        "preview_of": "Mostrar",
        "kind_brief": "Informe",
        "kind_factsheets": "Fichas",
        "kind_overview": "Resumen",
        "preview_empty": "Las páginas aparecen aquí en cuanto el formulario indica un "
                         "municipio.",
        "preview_updating": "Actualizando la vista previa…",
        "preview_ready": "Vista previa al día: {pages} páginas.",
        "preview_ready_one": "Vista previa al día: 1 página.",
        "preview_problem": "La vista previa no puede prepararse hasta corregir los problemas "
                           "señalados en el formulario.",
        "page_n": "Página {n}",
        "download": "Descargar",
        "download_brief": "Descargar el informe",
        "download_factsheets": "Descargar las fichas",
        "download_overview": "Descargar el resumen",
        "downloading": "Preparando el PDF…",
        "downloaded": "Su PDF está listo: {name}.",
        "problem": "Problema",
        "warning": "Nota",
        "server_error": "El servidor no ha podido responder. Inténtelo de nuevo en un "
                        "momento.",
        "campaign_heading": "Preparar toda una campaña a partir de una hoja de cálculo",
        "campaign_lead": "Suba una hoja de cálculo con una fila por municipio. briefgen revisa "
                         "primero cada fila y enumera todos los problemas; después las prepara "
                         "todas y puede descargar un único archivo ZIP.",
        "campaign_file": "Hoja de cálculo (CSV)",
        "campaign_file_xlsx": "Hoja de cálculo (Excel o CSV)",
        "campaign_file_help": "Un libro de Excel (.xlsx: su primera hoja) o un archivo CSV, una "
                              "fila por municipio. La primera fila nombra las columnas: "
                              "municipality, country, lang, priorities, outputs, ...",
        "upload": "Subir y revisar",
        "uploading": "Revisando cada fila…",
        "checked_ok": "Las {total} filas están bien.",
        "built_bad": "Filas con problemas: {bad} de {total}; se dejaron fuera. Corríjalas en "
                     "la hoja y vuelva a subirla para prepararlas también.",
        "checked_bad": "Filas con problemas: {bad} de {total}. Esas filas fallarán por "
                       "separado; corríjalas en la hoja y vuelva a subirla, o prepare ya las "
                       "demás.",
        "row": "Fila",
        "column": "Columna",
        "message": "Problema",
        "start": "Preparar la campaña",
        "resume": "Reanudar",
        "rebuild": "Preparar de nuevo",
        "progress": "Progreso",
        "progress_line": "{done} de {total} filas hechas: {built} preparadas, {skipped} sin "
                         "cambios, {failed} con error.",
        "time_left": "Quedan unos {time}.",
        "failures": "Filas con error",
        "status_checked": "Revisada, aún sin preparar",
        "status_running": "En curso",
        "status_done": "Terminada",
        "status_interrupted": "Interrumpida: reanúdela para terminarla",
        "status_error": "Detenida",
        "download_zip": "Descargar el ZIP (PDF, dosier y manifiesto)",
        "your_campaigns": "Sus campañas",
        "no_campaigns": "Todavía no hay campañas.",
        "open": "Abrir",
        "created": "Subida",
        "file": "Archivo",
        "status": "Estado",
        "rows": "Filas",
    },
    "fr": {
        "title": "briefgen",
        "priority_ids": "Priorités : quoi écrire dans la colonne priorities (l’identifiant ou le numéro)",
        "columns": "Quelles colonnes le tableau peut-il avoir ?",
        "columns_lead": "Seule municipality est obligatoire. Les listes (priorities, outputs) prennent plusieurs valeurs séparées par des points-virgules, par exemple protect;services.",
        "template": "Télécharger un tableau d’exemple (CSV)",
        "column_name": "Colonne",
        "column_meaning": "Ce qu’elle contient",
        "layout_default": "A4 (titres sans empattement, bleu)",
        "layout_letter": "Lettre US (titres à empattement, vert)",
        "need_token": "Ce serveur briefgen demande sa clé d’accès : ouvrez l’adresse complète affichée à son démarrage (elle se termine par ?token=...).",
        "wrong_host": "Ce serveur ne répond qu’aux requêtes adressées à cet ordinateur (127.0.0.1 ou localhost).",
        "tagline": "Notes pour les maires et les conseils municipaux",
        "nav_brief": "Une note",
        "nav_campaign": "Une campagne",
        "skip": "Aller au formulaire",
        "ui_language": "Langue de la page",
        "brief_heading": "Préparer une note pour une commune",
        "brief_lead": "Remplissez le formulaire : l’aperçu des pages suit chaque "
                      "modification. Quand il vous convient, téléchargez la note, ses fiches "
                      "ou la synthèse d’une page.",
        "place": "La commune",
        "municipality": "Commune",
        "municipality_help": "La ville ou la commune à qui s’adresse la note, telle qu’elle "
                             "doit apparaître sur la couverture.",
        "country": "Pays",
        "country_help": "Commencez à écrire et choisissez dans la liste, ou tapez un code "
                        "comme FR.",
        "lang": "Langue de la note",
        "layout": "Mise en page",
        "brand": "Charte graphique",
        "brand_help": "Le nom, le logo et les couleurs de votre organisation sur chaque "
                      "page. Choisissez une charte déjà envoyée, ou envoyez-en une ci-dessous.",
        "brand_choice": "Charte des documents",
        "campaign_brand_help": "Une charte envoyée sur la page Une note, pour toutes les lignes.",
        "brand_none": "Aucune : la présentation de briefgen",
        "brand_upload": "Envoyer une charte",
        "brand_file": "Fichier de charte (_brand.yml, facultatif)",
        "brand_file_help": "Le fichier de charte que votre organisation tient pour ses "
                           "rapports Quarto : nom, couleurs, logo. Il ne peut nommer que les "
                           "fichiers envoyés avec lui.",
        "logo": "Logo (PNG, JPEG ou SVG)",
        "logo_help": "Jusqu’à {mp} mégapixels. Sans fichier de charte, le logo seul fait la "
                     "charte.",
        "brand_files": "Autres fichiers nommés par la charte (polices .ttf, autres logos ; "
                       "facultatif)",
        "brand_save": "Envoyer la charte",
        "brand_uploading": "Vérification de la charte…",
        "brand_saved": "Charte enregistrée : {name}. L’aperçu et les téléchargements "
                       "l’utilisent désormais.",
        "content": "Ce que couvre la note",
        "priorities": "Priorités",
        "priorities_help": "Cochez les priorités à inclure. Si aucune n’est cochée, la note "
                           "les couvre toutes.",
        "examples": "Exemples d’ailleurs",
        "examples_help": "Les exemples que briefgen propose pour cette commune, les plus "
                         "proches d’abord. Décochez ceux dont vous ne voulez pas.",
        "examples_none": "Indiquez une commune pour voir les exemples proposés.",
        "local_context": "Contexte local",
        "local_context_help": "Un paragraphe sur la situation dans la commune, imprimé dans "
                              "l’introduction (facultatif).",
        "issuer": "Qui l’envoie",
        "organisation": "Organisation",
        "contact": "Contact",
        "contact_help": "Une adresse e-mail ou un numéro de téléphone pour la conclusion.",
        "date": "Date",
        "preview": "Aperçu",
        "preview_of": "Afficher",
        "kind_brief": "Note",
        "kind_factsheets": "Fiches",
        "kind_overview": "Synthèse",
        "preview_empty": "Les pages s’affichent ici dès que le formulaire indique une "
                         "commune.",
        "preview_updating": "Mise à jour de l’aperçu…",
        "preview_ready": "Aperçu à jour : {pages} pages.",
        "preview_ready_one": "Aperçu à jour : 1 page.",
        "preview_problem": "L’aperçu ne peut pas être préparé tant que les problèmes signalés "
                           "dans le formulaire ne sont pas corrigés.",
        "page_n": "Page {n}",
        "download": "Télécharger",
        "download_brief": "Télécharger la note",
        "download_factsheets": "Télécharger les fiches",
        "download_overview": "Télécharger la synthèse",
        "downloading": "Préparation du PDF…",
        "downloaded": "Votre PDF est prêt : {name}.",
        "problem": "Problème",
        "warning": "Remarque",
        "server_error": "Le serveur n’a pas pu répondre. Réessayez dans un instant.",
        "campaign_heading": "Préparer toute une campagne à partir d’un tableur",
        "campaign_lead": "Envoyez un tableau avec une ligne par commune. briefgen vérifie "
                         "d’abord chaque ligne et liste tous les problèmes ; il les prépare "
                         "ensuite toutes, à télécharger en un seul fichier ZIP.",
        "campaign_file": "Tableau (CSV)",
        "campaign_file_xlsx": "Tableau (Excel ou CSV)",
        "campaign_file_help": "Un classeur Excel (.xlsx : sa première feuille) ou un fichier CSV, "
                              "une ligne par commune. La première ligne nomme les colonnes : "
                              "municipality, country, lang, priorities, outputs, ...",
        "upload": "Envoyer et vérifier",
        "uploading": "Vérification de chaque ligne…",
        "checked_ok": "Les {total} lignes sont correctes.",
        "built_bad": "Lignes avec des problèmes : {bad} sur {total} ; elles ont été laissées "
                     "de côté. Corrigez-les dans le tableau et renvoyez-le pour les préparer "
                     "aussi.",
        "checked_bad": "Lignes avec des problèmes : {bad} sur {total}. Ces lignes échoueront "
                       "seules ; corrigez-les dans le tableau et renvoyez-le, ou préparez les "
                       "autres maintenant.",
        "row": "Ligne",
        "column": "Colonne",
        "message": "Problème",
        "start": "Préparer la campagne",
        "resume": "Reprendre",
        "rebuild": "Préparer à nouveau",
        "progress": "Avancement",
        "progress_line": "{done} lignes sur {total} traitées : {built} préparées, {skipped} "
                         "inchangées, {failed} en échec.",
        "time_left": "Encore environ {time}.",
        "failures": "Lignes en échec",
        "status_checked": "Vérifiée, pas encore préparée",
        "status_running": "En cours",
        "status_done": "Terminée",
        "status_interrupted": "Interrompue : reprenez-la pour la terminer",
        "status_error": "Arrêtée",
        "download_zip": "Télécharger le ZIP (PDF, dossier et manifeste)",
        "your_campaigns": "Vos campagnes",
        "no_campaigns": "Aucune campagne pour l’instant.",
        "open": "Ouvrir",
        "created": "Envoyée",
        "file": "Fichier",
        "status": "État",
        "rows": "Lignes",
    },
}


def pick_language(query: str | None, cookie: str | None, accept: str) -> str:
    """?ui=, then the cookie the switcher set, then the browser's Accept-Language."""
    for choice in (query, cookie):
        if choice in STRINGS:
            return choice
    best, best_q = "en", -1.0
    for part in accept.split(","):
        tag, _, params = part.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if base in STRINGS and q > best_q:
            best, best_q = base, q
    return best
