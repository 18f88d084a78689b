"""The platform's own message-channel providers, registered through the same hook as any
plugin's (:func:`plugins.hookspecs.membership_channel_providers`)."""

from __future__ import annotations

from plugins.builtin.providers.aliyun_sms import AliyunSms
from plugins.builtin.providers.tencent_sms import TencentSms
from plugins.builtin.providers.wechat_subscribe import WeChatSubscribe
from plugins.builtin.providers.wechat_template import WeChatTemplate
from plugins.builtin.providers.wecom import WeComApp, WeComCustomer
from plugins.channels import ChannelProvider

__all__ = ["PROVIDERS"]

PROVIDERS: tuple[ChannelProvider, ...] = (
    AliyunSms(),
    TencentSms(),
    WeChatTemplate(),
    WeChatSubscribe(),
    WeComCustomer(),
    WeComApp(),
)
