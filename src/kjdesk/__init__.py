"""kjdesk（科技兑现台）：科技局“科技兴蒙”政策资金兑现的离线桌面程序。"""

__version__ = "0.1.0"
APP_NAME = "kjdesk"
APP_TITLE = "科技兑现台"
