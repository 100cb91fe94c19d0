"""Member pages, thin (parse → service/selector → render): the cadre back office in `records`,
`households` and `queues`, the worker's own pages in `self_service`."""
