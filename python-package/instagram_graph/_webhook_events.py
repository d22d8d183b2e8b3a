"""Types of the normalized webhook events :func:`instagram_graph.webhooks.parse` returns: one
``TypedDict`` per ``event_type`` (narrow on ``event["event_type"]``). Keys are the same
snake_case names as in Node and in the n8n trigger; a value Meta did not send is ``None``
(the key is always there)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

__all__ = [
    "CommentEvent",
    "HandoverEvent",
    "MentionEvent",
    "MessageEditEvent",
    "MessageEvent",
    "OptinEvent",
    "PostbackEvent",
    "ReactionEvent",
    "ReferralEvent",
    "SeenEvent",
    "StoryInsightsEvent",
    "UnknownEvent",
    "WebhookEvent",
    "WebhookField",
]


class WebhookField(TypedDict):
    """One subscribable webhook field, as :func:`~instagram_graph.webhooks.fields` lists it."""

    field: str
    display_name: str
    description: str
    event_types: list[str]
    envelope: Literal["changes", "messaging", "standby"]
    logins: list[Literal["facebook", "instagram"]]
    permissions: dict[str, str | None]
    """The permission each login flavour needs (None where it cannot subscribe)."""


class _EventBase(TypedDict):
    field: str
    """The webhook field it came under (``messages``, ``comments``, ``standby``, ...)."""
    account_id: str
    """The entry id: the Instagram professional account the event is for."""
    time: int
    """The entry time in milliseconds (Meta sends seconds or milliseconds)."""
    dedupe_key: str
    """Stable across parses, distinct within a delivery: deduplicate on it (Meta redelivers)."""
    raw: dict[str, Any]
    """The original item as sent."""


class _MessagingBase(_EventBase):
    sender_id: str | None
    recipient_id: str | None
    timestamp: int | None
    """When it happened, in milliseconds."""
    is_standby: bool
    """True for items of the ``standby`` envelope (another app owns the thread)."""


class MessageEvent(_MessagingBase):
    """A message, the echo of one the business sent, or the note that one was unsent."""

    event_type: Literal["message", "message_echo", "message_deleted"]
    mid: str | None
    text: str | None
    attachments: list[dict[str, Any]] | None
    """``[{"type", "url", ...}]``; ``url`` is None for ``ephemeral``."""
    quick_reply_payload: str | None
    reply_to_mid: str | None
    reply_to_story: dict[str, Any] | None
    """``{"id", "url", "link_sticker_url"}`` of the story replied to."""
    referral: dict[str, Any] | None
    """``{"ref", "source", "type", "ad_id", "ads_context_data", "product_id"}`` of the ad or
    link that opened the thread."""
    is_echo: bool
    is_deleted: bool
    is_unsupported: bool
    is_self: bool


class MessageEditEvent(_MessagingBase):
    """A message was edited."""

    event_type: Literal["message_edit"]
    mid: str | None
    text: str | None
    num_edit: int | None


class ReactionEvent(_MessagingBase):
    """A reaction was added (``react``) or removed (``unreact``: no ``reaction``/``emoji``)."""

    event_type: Literal["reaction"]
    mid: str | None
    action: str | None
    reaction: str | None
    emoji: str | None


class PostbackEvent(_MessagingBase):
    """A button or ice breaker was tapped."""

    event_type: Literal["postback"]
    mid: str | None
    title: str | None
    payload: str | None


class ReferralEvent(_MessagingBase):
    """An ig.me link with ``ref`` opened an existing thread."""

    event_type: Literal["referral"]
    ref: str | None
    source: str | None
    type: str | None
    ad_id: str | None
    ads_context_data: dict[str, Any] | None
    product_id: str | None


class SeenEvent(_MessagingBase):
    """A seen receipt."""

    event_type: Literal["seen"]
    mid: str | None


class OptinEvent(_MessagingBase):
    """An opt-in (marketing messages, notifications): the ``optin`` fields, None when not sent."""

    event_type: Literal["optin"]
    type: str | None
    payload: str | None
    ref: str | None
    user_ref: str | None
    title: str | None
    notification_messages_token: str | None
    notification_messages_frequency: str | None
    notification_messages_timezone: str | None
    notification_messages_status: str | None
    token_expiry_timestamp: int | None
    user_token_status: str | None


class HandoverEvent(_MessagingBase):
    """Thread control passed, taken or requested, or the app roles changed."""

    event_type: Literal["handover"]
    handover_type: Literal[
        "pass_thread_control", "take_thread_control", "request_thread_control", "app_roles"
    ]
    previous_owner_app_id: str | None
    new_owner_app_id: str | None
    requested_owner_app_id: str | None
    metadata: Any
    app_roles: dict[str, Any] | None


class CommentEvent(_EventBase):
    """A comment (or a reply: ``parent_id``) on a media, or on a live broadcast."""

    event_type: Literal["comment", "live_comment"]
    comment_id: str | None
    text: str | None
    media_id: str | None
    media_product_type: str | None
    parent_id: str | None
    from_id: str | None
    from_username: str | None
    ad_id: str | None
    ad_title: str | None
    original_media_id: str | None


class MentionEvent(_EventBase):
    """The account was @mentioned in a caption (``comment_id`` None) or a comment."""

    event_type: Literal["mention"]
    media_id: str | None
    comment_id: str | None


class StoryInsightsEvent(_EventBase):
    """A story expired; its insights as sent (``reach``, ``replies``, ...)."""

    event_type: Literal["story_insights"]
    media_id: str | None
    metrics: dict[str, Any]


class _UnknownBase(_EventBase):
    event_type: Literal["unknown"]


class UnknownEvent(_UnknownBase, total=False):
    """Anything not recognised, kept with ``raw``; an unknown messaging item also has the
    messaging keys (``sender_id``, ``recipient_id``, ``timestamp``, ``is_standby``)."""

    sender_id: str | None
    recipient_id: str | None
    timestamp: int | None
    is_standby: bool


WebhookEvent = (
    MessageEvent
    | MessageEditEvent
    | ReactionEvent
    | PostbackEvent
    | ReferralEvent
    | SeenEvent
    | OptinEvent
    | HandoverEvent
    | CommentEvent
    | MentionEvent
    | StoryInsightsEvent
    | UnknownEvent
)
"""One normalized webhook event: narrow on ``event["event_type"]``."""
