"""Intake of CyberTipline reports: the report as NetSafe reads it (`model`), NCMEC's
enumerations in words (`enumerations`), reading XML and JSON safely (`reading`, `xml_reader`,
`json_reader`), the force a report belongs to (`forces`), the risk pre-score (`prescore`) and
synthetic reports for tests, benchmarks and the demo (`generator`). Pure: no storage, no web.
"""
