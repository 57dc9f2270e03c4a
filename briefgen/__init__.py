"""briefgen: print-ready advocacy briefs, factsheets and campaign builds from a content pack."""

__version__ = "0.1.0"

__all__ = ["__version__", "build_brief", "build_factsheet", "run_campaign"]


def __getattr__(name):
    # The public API is imported lazily so that `briefgen list` and `--help` never pay
    # for importing ReportLab.
    if name in ("build_brief", "build_factsheet"):
        from briefgen import build
        return getattr(build, name)
    if name == "run_campaign":
        from briefgen import campaign
        return campaign.run_campaign
    raise AttributeError(name)
