"""Setting up a process that serves requests."""

import gc

from django.urls import get_resolver


def freeze_loaded_objects() -> None:
    """Keep what is loaded at start-up (Django, the apps, every view module) out of the garbage collector's full
    passes. It lives as long as the process, yet each full pass walked it again: while a province's matrix was
    built (tens of thousands of new objects) those passes took ~180 ms of a ~1 s request (docs/performance.md)."""
    get_resolver().url_patterns  # noqa: B018 -- imports the view modules now rather than at the first request
    gc.collect()
    gc.freeze()
