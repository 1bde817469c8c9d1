"""Telegram channel exports: each post an article.

Telegram Desktop exports a channel or chat ("Export chat history", machine-readable JSON) as
one ``result.json``: the channel's ``name`` and its ``messages``, each with an ``id``, a
``type`` ("message", or "service" for joins and pins), a ``date`` (local time, ISO) and a
``text`` that is either a string or a list of plain strings and formatted pieces
(``{"type": "bold", "text": "..."}``). Much of the war's first reporting is posted there, in
Ukrainian and Russian. Each post with text becomes one article: the channel is its outlet,
the post's date its publication day, ``<file>-<post id>`` its id, and its address the post's
link (``https://t.me/<channel>/<id>`` when the export names the channel's public username,
else Telegram's link for members, ``https://t.me/c/<channel id>/<id>``).

A forwarded post is the original channel's report: that channel is its outlet, so copies
of one post in several channels count as one source. An edited post is exported with its
final text and its first date: the report is as last corrected, dated when it was posted.

Example:
    >>> export = {"name": "Новини Сум", "type": "public_channel", "messages": [
    ...     {"id": 7, "type": "message", "date": "2024-11-18T08:30:00",
    ...      "text": ["Уночі ", {"type": "bold", "text": "дрони"}, " атакували Суми."]},
    ...     {"id": 8, "type": "service", "date": "2024-11-18T08:31:00", "text": ""}]}
    >>> is_telegram_export(export)
    True
    >>> [(r["id"], r["text"], r["published"]) for r in telegram_records(export, "result")]
    [('result-7', 'Уночі дрони атакували Суми.', '2024-11-18')]
    >>> export["id"] = 1234567
    >>> telegram_records(export, "result")[0]["url"]
    'https://t.me/c/1234567/7'
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_telegram_export", "telegram_records"]


def is_telegram_export(data: Any) -> bool:
    """Whether a parsed JSON value is a Telegram Desktop chat export."""
    return isinstance(data, dict) and isinstance(data.get("messages"), list) and (
        "text" not in data)


def telegram_records(data: dict, stem: str) -> list[dict]:
    """The export's posts with text, as article records (``id``, ``text``, ``outlet``,
    ``published``) in the order they were posted."""
    outlet = str(data.get("name") or "")
    records = []
    for message in data["messages"]:
        if not isinstance(message, dict) or message.get("type", "message") != "message":
            continue  # a join, a pin, a call: no post
        text = _text(message.get("text", "")).strip()
        if not text:
            continue  # a photo or a sticker without a caption
        post = message.get("id", len(records) + 1)
        record = {"id": f"{stem}-{post}", "text": text,
                  # A forward is the original channel's report, whoever reposted it.
                  "outlet": str(message.get("forwarded_from") or outlet),
                  "published": str(message.get("date") or "")[:10],
                  "url": _link(data, post)}
        records.append(record)
    return records


def _link(data: dict, post: object) -> str:
    """The post's address: by the channel's public username when the export has it, else
    the link Telegram gives members (``t.me/c/<id>/<post>``); "" when neither is known."""
    username = str(data.get("username") or "").lstrip("@")
    if username:
        return f"https://t.me/{username}/{post}"
    channel = data.get("id")
    return f"https://t.me/c/{channel}/{post}" if isinstance(channel, int) else ""


def _text(value: Any) -> str:
    # A post's text is a string, or a list of strings and formatted pieces (links, bold,
    # hashtags), each with its own "text".
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, dict)
                       else "" for p in value)
    return ""
