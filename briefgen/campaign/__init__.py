"""Campaign builds: the documents of many municipalities from one CSV or YAML file.

    rows.py      file -> rows (CSV cells or YAML mappings, each value with its file:line)
                      -> per row: profile (the one profile declaration) and outputs
    slugs.py     row -> DIR/<slug>/, decided in row order so that reruns agree
    manifest.py  inputs hash; manifest.json and .csv; the packet; stale files removed
    workers.py   Task -> PDF bytes, in this process or a pool of worker processes
    cluster.py   the same on a Dask cluster (optional: briefgen[dask])
    progress.py  what the person running it sees; result.py what the run did
    run.py       run_campaign: all of the above, the only place that writes

The calling process reads and checks the file and is the only one that writes; workers
return bytes, never exceptions, so a bad row fails alone with its one-line message.
"""

from briefgen.campaign.progress import ConsoleProgress, Progress
from briefgen.campaign.result import CampaignResult
from briefgen.campaign.rows import ROW_SCHEMA, read_rows, row_profile
from briefgen.campaign.run import check_rows, run_campaign
from briefgen.campaign.slugs import row_slug, unique_slugs
from briefgen.campaign.workers import WorkerPool

__all__ = ["CampaignResult", "ConsoleProgress", "Progress", "ROW_SCHEMA", "WorkerPool",
           "check_rows", "read_rows", "row_profile", "row_slug", "run_campaign", "unique_slugs"]
