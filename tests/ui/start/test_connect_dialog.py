"""The server connection dialog: the URL carries the password, the PC's settings never do."""

from PySide6.QtWidgets import QDialogButtonBox

from kjdesk.ui import settings
from kjdesk.ui.start.connect import SERVER, ConnectDialog, remembered_server


def test_connect_dialog_builds_url_and_never_stores_the_password(qtbot):
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.host, "10.1.2.3")
    qtbot.keyClicks(dialog.user, "zhang san")
    qtbot.keyClicks(dialog.password, "p@ss:word")
    assert ok.isEnabled()
    assert dialog.url() == "postgresql://zhang%20san:p%40ss%3Aword@10.1.2.3:5432/kjdesk"
    dialog.accept()
    stored = str(settings.get(SERVER))
    assert stored == "postgresql://zhang%20san@10.1.2.3:5432/kjdesk" == remembered_server()
    assert "word" not in stored
    again = ConnectDialog(previous=stored)
    qtbot.addWidget(again)
    assert (again.host.text(), again.user.text(), again.password.text()) == ("10.1.2.3", "zhang san", "")
