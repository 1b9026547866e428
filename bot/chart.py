"""The check-in trend as a PNG for Telegram: matplotlib, headless (Agg), in the action server.

Never imported by the Rasa server: it is loaded only when a Telegram turn shows the trend.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no display: a server has none

from matplotlib import pyplot as plt  # noqa: E402  after choosing the backend

from bot import texts  # noqa: E402
from bot.checkins import LABELS, SIGNS, Answer  # noqa: E402


def png(history: list[Answer]) -> bytes:
    """A small line chart of each sign over time, 1-5, readable on a phone."""
    figure, axes = plt.subplots(figsize=(6, 3.6), dpi=110)
    try:
        for sign in SIGNS:
            points = [a for a in history if a.sign == sign]
            if points:
                axes.plot([a.at for a in points], [a.value for a in points], marker="o", label=LABELS[sign])
        axes.set_ylim(0.5, 5.5)
        axes.set_yticks([1, 2, 3, 4, 5])
        axes.grid(axis="y", alpha=0.3)
        axes.set_title(texts.title("chart_title"), fontsize=10)
        axes.legend(fontsize=8, loc="lower left", ncol=3)
        figure.autofmt_xdate()
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)


def png_base64(history: list[Answer]) -> str:
    return base64.b64encode(png(history)).decode("ascii")
