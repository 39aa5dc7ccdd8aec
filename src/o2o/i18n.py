"""Chinese-first labels with English translations.

Data values in the kit are Chinese (students filter with them); :func:`label` gives the
English word for display when a widget or figure is switched to English.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # cities
    "东莞": "Dongguan", "深圳": "Shenzhen", "广州": "Guangzhou", "惠州": "Huizhou", "佛山": "Foshan",
    "中山": "Zhongshan", "江门": "Jiangmen", "清远": "Qingyuan", "珠海": "Zhuhai", "肇庆": "Zhaoqing",
    "汕头": "Shantou", "湛江": "Zhanjiang", "茂名": "Maoming", "韶关": "Shaoguan", "河源": "Heyuan",
    "揭阳": "Jieyang", "阳江": "Yangjiang", "梅州": "Meizhou", "汕尾": "Shanwei", "潮州": "Chaozhou", "云浮": "Yunfu",
    # store formats and ownership
    "社区": "community", "写字楼": "office", "学校": "school", "工业区": "factory district",
    "交通枢纽": "transport hub", "商业街": "shopping street",
    "直营": "direct-operated", "加盟": "franchised",
    "试点": "pilot", "对照": "control", "无": "none",
    # staff
    "店长": "store manager", "店员": "clerk",
    # product categories
    "饮料": "drinks", "零食": "snacks", "方便食品": "instant food", "鲜食": "fresh food",
    "乳制品": "dairy", "烟酒": "tobacco & liquor", "日用品": "household", "个人护理": "personal care",
    # members
    "门店二维码": "store QR code", "微信公众号": "WeChat official account", "好友分享": "a friend's share",
    "异业合作": "cross-industry partner",
    "沉睡粉": "dormant fan", "普通粉": "casual fan", "活跃粉": "active fan", "铁杆粉": "core fan", "全部": "all",
    # payments
    "现金": "cash", "微信支付": "WeChat Pay", "支付宝": "Alipay", "银行卡": "bank card",
    # scenes
    "促销": "promotion", "交易": "transaction", "支付": "payment",
    "品牌推广": "brand promotion", "客户回馈": "customer rewards", "引流入店": "drawing customers in",
    "新品推广": "new-product promotion", "粉丝分层": "fan tiering",
    "营业员激励": "clerk incentives", "二次购买": "second purchase", "自团购": "self-organised group buying",
    "微商": "WeChat micro-shop", "异业联盟采购": "cross-industry alliance purchasing",
    "告知巨头优惠": "telling of the payment giants' offers", "付满送": "spend X get Y", "附近异业": "nearby cross-industry offers",
    "总部市场部": "HQ marketing", "一线小分队": "front-line squad",
    "广告": "ads", "朋友圈": "WeChat moments", "店内": "in store", "微信群": "WeChat group", "私聊": "private chat",
    "满减": "money off", "折扣": "discount", "赠品": "free gift", "积分": "points",
}


def label(value: object, lang: str = "zh") -> str:
    """Display label of a Chinese data value in ``lang`` (``"zh"`` returns it unchanged)."""
    text = str(value)
    if lang == "en":
        return EN.get(text, text)
    return text
