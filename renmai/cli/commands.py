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
    "add": "renmai.cli.edit:add",
    "agreements": "renmai.cli.agreements:agreements",
    "backup": "renmai.cli.backup:backup",
    "brokers": "renmai.cli.brokers:brokers",
    "common": "renmai.cli.common:common",
    "connect": "renmai.cli.connect:connect",
    "coverage": "renmai.cli.coverage:coverage",
    "cypher": "renmai.cli.cypher:cypher",
    "dedupe": "renmai.cli.dedupe:dedupe",
    "demo": "renmai.cli.demo:demo",
    "end": "renmai.cli.edit:end",
    "export": "renmai.cli.export:export_command",
    "generate": "renmai.cli.generate:generate",
    "history": "renmai.cli.history:history",
    "link": "renmai.cli.edit:link",
    "load": "renmai.cli.load:load_command",
    "log": "renmai.cli.log:log",
    "mapping": "renmai.cli.mapping:mapping",
    "merge": "renmai.cli.merge:merge",
    "neighbors": "renmai.cli.neighbors:neighbors",
    "path": "renmai.cli.path:path",
    "remove": "renmai.cli.edit:remove",
    "rename": "renmai.cli.edit:rename",
    "schema": "renmai.cli.schema:schema",
    "search": "renmai.cli.search:search",
    "set": "renmai.cli.edit:set_command",
    "show": "renmai.cli.show:show",
    "stale": "renmai.cli.stale:stale",
    "stats": "renmai.cli.stats:stats",
    "unlink": "renmai.cli.edit:unlink",
    "validate": "renmai.cli.load:validate_command",
    "viz": "renmai.cli.viz:viz",
}
