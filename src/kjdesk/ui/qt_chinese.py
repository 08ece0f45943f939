"""Qt's own words that the shipped ``qtbase_zh_CN`` translation lacks.

Qt 6 gave the file dialog's labels mnemonics ("&Look in:", "Files of &type:"), and the
Chinese catalog PySide6 ships still has only the old strings, so a non-native file dialog
says "Look in:". This translator, installed after ``qtbase_zh_CN``, supplies those words.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

WORDS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "File &name:"): "文件名称(&N)：",
}


class MissingQtWords(QTranslator):
    def translate(  # noqa: D102 - Qt override
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return WORDS.get((context, source))  # None: not ours, Qt asks the next translator

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False
