"""The mall's WeChat Pay 智慧商圈 settings: whose notices to trust and which store a shop is.

WeChat Pay signs each notice with its platform private key and encrypts the business object
with the merchant's APIv3 key, so the mall gives both the platform public key (and its serial,
the ``Wechatpay-Serial`` header of every notice signed with it) and the APIv3 key. Shops are
known to WeChat Pay by their own ids; ``shops`` maps each to the mall's store code, so a payment
earns by that store's rules.

The APIv3 key is a :class:`~pydantic.SecretStr`: the platform seals it at rest and shows only
its last four characters (``membership/activation/secrets.py``); the plugin's own reads get it.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

__all__ = ["WeChatPayConfig"]

API_V3_KEY_LENGTH = 32  # AEAD_AES_256_GCM: a 32-byte key
# Whether each store code exists is checked when a notice names the shop: stores change after
# the configuration is saved.


class WeChatPayConfig(BaseModel):
    """One mall's WeChat Pay merchant, as 智慧商圈 notices are checked and read."""

    model_config = ConfigDict(
        title="微信支付智慧商圈",
        json_schema_extra={"description": "接收微信支付商圈积分（支付和退款）通知所需的商户配置。"},
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )

    merchant_id: str = Field(
        title="商户号",
        description="微信支付商户号（mchid）；通知中的商户号须与之相同。",
        pattern=r"^[0-9]{6,32}$",
    )
    api_v3_key: SecretStr = Field(
        title="APIv3 密钥",
        description="商户平台设置的 APIv3 密钥，32 个字符，用于解密通知内容。",
        min_length=API_V3_KEY_LENGTH,
        max_length=API_V3_KEY_LENGTH,
    )
    platform_public_key: str = Field(
        title="微信支付公钥",
        description="微信支付平台公钥（PEM，-----BEGIN PUBLIC KEY----- 开头），用于验证通知签名。",
        min_length=100,
        max_length=4000,
    )
    platform_key_serial: str = Field(
        title="公钥序列号",
        description="微信支付公钥（或平台证书）的序列号，即通知的 Wechatpay-Serial 头。",
        min_length=1,
        max_length=64,
    )
    shops: dict[str, str] = Field(
        default_factory=dict,
        title="商圈门店与商户编码",
        description="微信支付商圈门店编号（shop_number）对应商场的商户编码；未列出的门店的支付不积分。",
        max_length=500,
    )

    @field_validator("platform_public_key")
    @classmethod
    def _pem(cls, value: str) -> str:
        try:
            key = load_pem_public_key(value.encode())
        except ValueError as exc:
            raise ValueError("微信支付公钥不是有效的 PEM 公钥。") from exc
        if not isinstance(key, RSAPublicKey):
            raise ValueError("微信支付公钥须为 RSA 公钥。")
        return value

    @field_validator("shops")
    @classmethod
    def _store_codes(cls, value: dict[str, str]) -> dict[str, str]:
        for shop, code in value.items():
            if not 1 <= len(shop) <= 64 or not 1 <= len(code) <= 32:
                raise ValueError(f"门店 {shop[:64]} 对应的商户编码 {code[:32]} 无效。")
        return value
