"""Customer journey analytics on multi-channel event logs.

Sources are integrated into one canonical Parquet event table (:mod:`research.journeys.ingest`);
analyses run as Ibis expressions on DuckDB (default) or PySpark (:mod:`research.journeys.engine`).
The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    """
    engine: connect events
    ingest: IdentityWarning build_events build_report unmapped_events
    schema: JourneysSection FieldCheck field_problems journeys_section_problems load_journeys_section
        parse_journeys_section
    paths: flows variants
    directly_follows: dfg
    funnels: compare_funnel_segments funnel
    contacts: channel_switches contact_events loops repeat_contacts
    behaviour: behaviour_table time_between
    sessionization: episodes episodize sessionize sessions
    """,
)
