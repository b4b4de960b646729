"""Taint analysis: untrusted data followed from where it enters to where it does harm.

The model (sources, sinks, sanitizers, guards, route conventions) is data in
``checks/data/taint_*.toml``; this package only knows how values flow through Python:
:mod:`.flow` walks one function at a time, :mod:`.summaries` condenses a function into
"parameter reaches return / sink" facts used by its callers (in the same module, and across
the project via the ``taint_summaries`` fact), and :mod:`.analysis` runs the pass once per
document and shares the result between every CW1xx/CW4xx rule through ``ctx.memo``.
"""
