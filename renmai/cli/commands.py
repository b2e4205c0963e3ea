"""Every command of ``renmai``, and where it is defined: ``"module:attribute"``.

To add a command, write ``renmai/cli/<command>.py`` holding one click command
(``@click.command()``, shared options from :mod:`renmai.cli.options`, text
output from :mod:`renmai.cli.render`), and add its line here. Nothing else
registers it: the group (:class:`renmai.cli.app.RenmaiGroup`) imports the
module when the command is asked for.

``renmai --help`` imports every module listed here, so keep their top-level
imports light (click and ``renmai.cli``'s own helpers) and import the store,
the queries, the loaders or the viz inside the command function;
``tests/test_cli_startup.py`` fails when ``--help`` pulls in networkx,
pypinyin, pyvis, openpyxl or the Neo4j driver.
"""

COMMANDS: dict[str, str] = {
    "brokers": "renmai.cli.brokers:brokers",
    "common": "renmai.cli.common:common",
    "connect": "renmai.cli.connect:connect",
    "coverage": "renmai.cli.coverage:coverage",
    "cypher": "renmai.cli.cypher:cypher",
    "dedupe": "renmai.cli.dedupe:dedupe",
    "demo": "renmai.cli.demo:demo",
    "export": "renmai.cli.export:export_command",
    "generate": "renmai.cli.generate:generate",
    "load": "renmai.cli.load:load_command",
    "mapping": "renmai.cli.mapping:mapping",
    "merge": "renmai.cli.merge:merge",
    "neighbors": "renmai.cli.neighbors:neighbors",
    "path": "renmai.cli.path:path",
    "schema": "renmai.cli.schema:schema",
    "search": "renmai.cli.search:search",
    "show": "renmai.cli.show:show",
    "stale": "renmai.cli.stale:stale",
    "stats": "renmai.cli.stats:stats",
    "validate": "renmai.cli.load:validate_command",
    "viz": "renmai.cli.viz:viz",
}
