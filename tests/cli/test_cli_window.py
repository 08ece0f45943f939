"""``kjdesk`` with no sub-command opens the window without building the full parser."""

from __future__ import annotations

import pytest

from kjdesk import cli


@pytest.mark.parametrize(
    ("argv", "opens_window"),
    [
        ([], True),
        (["--db", "x.sqlite", "--user", "zhang"], True),
        (["--demo", "--smoke-test"], True),
        (["--db", "init"], True),  # "init" is the value of --db here, as for the full parser
        (["units", "list"], False),
        (["--db", "x.sqlite", "init", "--city", "baotou"], False),
        (["-h"], False),
        (["--db"], False),  # an error: the full parser reports it in Chinese
        (["--unknown"], False),
    ],
)
def test_window_args_only_for_the_window(argv, opens_window):
    args = cli.window_args(argv)
    assert (args is not None) == opens_window
    if args is not None:
        full = cli.build_parser().parse_args(argv)
        assert vars(args) == vars(full)  # the same Namespace the full parser gives


def test_no_sub_command_goes_to_the_window_without_the_full_parser(monkeypatch):
    import kjdesk.ui.app

    opened = []
    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("the full parser was built"))
    monkeypatch.setattr(kjdesk.ui.app, "run_gui", lambda args: opened.append(args.db) or 0)
    assert cli.main(["--db", "x.sqlite"]) == 0
    assert opened == ["x.sqlite"]


def test_help_still_lists_every_sub_command(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["-h"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "--smoke-test" in out and "init" in out and "entitlements" in out
