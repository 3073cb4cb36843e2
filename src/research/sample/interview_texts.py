"""Text material of the sample interviews: the codebook and the sentence banks per code.

Kept apart from :mod:`research.sample.interviews` (which assembles transcripts from it) so the
generator logic stays readable. Each code has sentences in Chinese and English; most contain one
of the code's keywords (so auto-coding finds them), a few say the same thing in other words
(so auto-coding misses some, as it would in real interviews).
"""

from __future__ import annotations

from pathlib import Path

import yaml

#: The codebook in the YAML form of :func:`research.coding.load_codebook` (data: codebook.yml
#: next to this module): each theme (``codable: false``) followed by its codes.
_CODEBOOK = Path(__file__).with_name("codebook.yml")
#: The codable codes (the entries with a parent theme).
CODES: list[dict] = [
    c for c in yaml.safe_load(_CODEBOOK.read_text(encoding="utf-8"))["codes"] if "parent" in c
]


def codebook_yaml_dict() -> dict:
    """The sample codebook in the YAML form of :func:`research.coding.load_codebook` (a fresh copy)."""
    return yaml.safe_load(_CODEBOOK.read_text(encoding="utf-8"))


#: Sentence banks: code -> language -> sentences. ``{...}`` placeholders are filled with
#: planted personal data in the few transcripts that carry it.
BANKS: dict[str, dict[str, list[str]]] = {
    "hotline_wait": {
        "zh": [
            "打10086等了半天，语音菜单绕来绕去，就是转不到人工。",
            "我打客服热线等了四十分钟，最后还是自己挂了。",
            "那个语音菜单一层套一层，按了半天也找不到5G升级那一项。",
            "晚上打热线一直占线，根本打不进去。",
            "想转人工，系统就让你重新听一遍菜单，特别崩溃。",
            "每次打电话都要等很久，听那个音乐听得人都烦了。",
            "热线等了二十多分钟才有人接，接了又说要转到别的部门。",
            "打过去就是机器人，说了好几遍“人工”都不理我，真是气死了。",
        ],
        "en": [
            "I was on hold for 40 minutes before anyone picked up.",
            "The phone menu goes round in circles and you never reach a person.",
            "I could not get through to the hotline for two days.",
            "They transferred me three times and each time I had to explain everything again.",
            "You press 1, then press 3, then it hangs up on you. It is absurd.",
            "I waited forever on the line just to ask one simple question.",
            "Calling them is a nightmare, honestly, it takes most of an afternoon.",
        ],
    },
    "hotline_helpful": {
        "zh": [
            "后来客服回电，小伙子很耐心，一次就解决了。",
            "现在有回电功能，不用干等着，客服很耐心。",
            "接电话的客服很耐心，帮我把多扣的钱退了。",
        ],
        "en": [
            "The new system called me back within an hour and the agent sorted it out.",
            "In the end a patient agent explained everything and fixed it.",
        ],
    },
    "store_queue": {
        "zh": [
            "营业厅排了一个多小时的队，前面就两个窗口开着。",
            "周末去营业厅，叫号叫到一百多号，人特别多。",
            "去门店办个卡也要排队半天。",
        ],
        "en": [
            "The queue at the store was out the door on Saturday.",
            "You take a number and wait, I queued for almost an hour.",
        ],
    },
    "bill_shock": {
        "zh": [
            "升级5G套餐以后，第一个月话费突然多了八十多块。",
            "账单上莫名其妙多了一个视频会员，我根本没开过。",
            "他们说升级不加钱，结果每个月多扣了三十块。",
            "流量费一下子扣了两百多，说是超出了套餐，可没人提醒我。",
            "升级以后乱扣费，打电话问也说不清楚是什么钱。",
            "我一看账单就傻了，比以前贵了一半，这跟说好的完全不一样。",
            "办完升级下个月又扣了一笔“合约费”，从来没人跟我说过。",
        ],
        "en": [
            "After the 5G upgrade my first bill had an extra charge of 80 yuan.",
            "They charged me for a video membership I never signed up for.",
            "I was overcharged for data even though the plan was supposed to be unlimited.",
            "There was a hidden fee for the new package that nobody mentioned.",
            "The bill after the upgrade was almost double, which was a real shock.",
        ],
    },
    "bill_unclear": {
        "zh": [
            "账单明细一大堆缩写，根本看不懂。",
            "每个月的账单我都看不懂，各种套餐外费用。",
        ],
        "en": [
            "The bill is confusing, there are line items with codes nobody can read.",
            "Even the itemised bill doesn't tell you what the charge is for.",
        ],
    },
    "package_value": {
        "zh": [
            "5G套餐还送流量，其实挺划算的。",
            "老用户升级有优惠，算下来比原来还实惠。",
        ],
        "en": [
            "To be fair the 5G plan is a good deal with the free data.",
            "The loyalty discount made the upgrade good value.",
        ],
    },
    "sms_reminder": {
        "zh": [
            "流量快用完的时候会有短信提醒，这点挺好。",
            "缴费之前会提前通知，不会忘。",
        ],
        "en": [
            "I get a text reminder before the data runs out, which is useful.",
            "The sms alert about my balance is actually helpful.",
        ],
    },
    "install_missed": {
        "zh": [
            "约好上午装宽带，师傅没来，打电话才说改期到下周。",
            "安装改了三次时间，我请了两天假在家白等。",
            "师傅爽约了两回，也没人提前说一声。",
            "说好周六上门，结果又推迟了，真的是被放鸽子了。",
            "装维说下午两点到，等到六点都没来。",
            "预约的时间段是一整天，人一直不到，我一天都出不了门。",
        ],
        "en": [
            "The technician didn't show up and nobody called to say why.",
            "They rescheduled the installation three times.",
            "I took a day off and waited all day for the installer.",
            "The engineer visit was a no-show, twice.",
            "They cancelled the appointment the evening before, again.",
        ],
    },
    "installer_professional": {
        "zh": [
            "不过师傅来了以后很专业，走之前还收拾干净了。",
            "装机的师傅手脚麻利，半小时就弄好了。",
        ],
        "en": [
            "When he finally came the installer was very professional and tidy.",
            "The technician knew what he was doing, it took twenty minutes.",
        ],
    },
    "work_order_slow": {
        "zh": [
            "工单提了三天都没人跟进。",
            "客服说工单在系统里，可就是没人处理。",
        ],
        "en": [
            "The work order just sat there and nobody followed up.",
            "They opened a ticket but it went nowhere for a week.",
        ],
    },
    "porting_obstruction": {
        "zh": [
            "想携号转网，营业厅一直挽留，授权码拖了一个星期才给。",
            "他们说我有合约不给转，其实合约早就到期了。",
            "查转网资格说不符合，转不出去，明显是故意拖。",
            "一提转网就有人打电话挽留，一天打三四个。",
            "授权码发了两次都说无效，最后只能去营业厅排队办。",
        ],
        "en": [
            "When I asked to port out they kept refusing to send the porting code.",
            "The retention team called me every day, they simply wouldn't let me leave.",
            "My number was blocked from porting because of some old contract.",
            "It took three weeks to get the porting code, that is not normal.",
        ],
    },
    "porting_smooth": {
        "zh": [
            "转进来倒是很快，一天就转好了。",
            "这边接收转网很顺利，没什么问题。",
        ],
        "en": [
            "Porting in was quick, it was done the next day.",
            "My number ported smoothly, no complaints there.",
        ],
    },
    "app_self_service": {
        "zh": [
            "在App上自己就能升级套餐，很方便。",
            "查账单、交话费我都在手机上就能办，不用跑营业厅。",
            "手机营业厅App里自助办理挺快的，几分钟搞定。",
            "现在基本都用App，点几下就好了，比打电话省事多了。",
        ],
        "en": [
            "I did the upgrade myself in the app, it took five minutes.",
            "The self-service in the mobile app is easy to use.",
            "Paying the bill in the app is the one thing that just works.",
        ],
    },
    "app_glitch": {
        "zh": [
            "App有时候一打开就闪退。",
            "升级页面一直转圈，卡顿得厉害。",
            "App更新以后登不上了，验证码老收不到。",
        ],
        "en": [
            "The app crashed twice while I was paying.",
            "It froze on the payment page and I couldn't log in again.",
        ],
    },
    "website_info": {
        "zh": [
            "我先在官网上看了看套餐介绍。",
            "网上营业厅上有资费说明，我大概看了一下。",
        ],
        "en": [
            "I read about the plans on the website first.",
            "The online store lists the packages, so I checked there.",
        ],
    },
    "wechat_service": {
        "zh": [
            "公众号里查话费挺快的，也能交费。",
            "他们的小程序可以预约装机，还挺好用。",
        ],
        "en": [
            "Their WeChat mini program is handy for checking the balance.",
            "I use the wechat account to top up, it is quick.",
        ],
    },
    "store_staff_helpful": {
        "zh": [
            "营业厅的小姑娘很耐心，讲得很清楚。",
            "店员很热情，帮我把旧卡的资料都转好了。",
            "那个客户经理解释得挺仔细，让我自己选，没有硬推。",
        ],
        "en": [
            "The staff in the store were really helpful and explained everything.",
            "A patient young man at the counter set up the new SIM for me.",
        ],
    },
    "sales_pushy": {
        "zh": [
            "店员一直推销宽带，还要捆绑副卡。",
            "不办他们的融合套餐就说不能升级，感觉是硬塞给我的。",
        ],
        "en": [
            "The sales rep was pushy and tried to upsell me a broadband bundle.",
            "It felt like a hard sell, I only wanted the 5G SIM.",
        ],
    },
    "ad_awareness": {
        "zh": [
            "我是在地铁广告上看到5G升级的。",
            "最早是在抖音上刷到他们的活动。",
        ],
        "en": [
            "I first saw the 5G offer on a billboard near my office.",
            "There was a TV commercial about the upgrade, that's how I heard of it.",
        ],
    },
    "ad_misleading": {
        "zh": [
            "宣传说网速快十倍，实际用起来跟4G差不多。",
            "跟广告里说的不一样，根本不是免费升级。",
        ],
        "en": [
            "The ads were misleading, the speed is nothing like what they advertised.",
            "It was not what they promised in the campaign at all.",
        ],
    },
    "price_comparison": {
        "zh": [
            "我对比了三家的套餐，最后还是留下了。",
            "升级之前我算了算，每个月差不了多少。",
        ],
        "en": [
            "I compared the plans of all three operators before deciding.",
            "Comparing prices online took me a couple of evenings.",
        ],
    },
    "complaint_slow": {
        "zh": [
            "投诉了两次都没人回复，最后只能找工信部。",
            "我在网上投诉，一个星期才有人打电话来。",
        ],
        "en": [
            "I filed a complaint and it took a week to get any answer.",
            "In the end I escalated it to the regulator because nobody replied.",
        ],
    },
}

#: Sentences a negation window must not count as pain (the keyword is negated).
NEGATED = {
    "zh": ["这次打热线倒是没有等很久，很快就接通了。", "这回不用转人工了，按一个键就到了。"],
    "en": ["This time I was not on hold for long, they answered quickly."],
}

#: Uncoded small talk.
FILLER = {
    "zh": [
        "嗯，我想想。",
        "这个我没怎么用过。",
        "就这些吧。",
        "其他的还行，没什么特别的。",
        "说不上来，一般吧。",
    ],
    "en": [
        "Hmm, let me think.",
        "I have not really used that.",
        "That's about it.",
        "Nothing special, really.",
    ],
}

#: Interviewer questions per touchpoint topic (the first touchpoint of a code picks its topic).
QUESTIONS = {
    "awareness": {
        "zh": "您最早是怎么知道5G升级活动的？",
        "en": "How did you first hear about the 5G upgrade?",
    },
    "consideration": {
        "zh": "决定之前您在哪里了解过信息？",
        "en": "Where did you look for information before deciding?",
    },
    "decision": {"zh": "您是怎么决定办理的？", "en": "How did you make the decision?"},
    "purchase": {"zh": "办理升级或者转网的过程怎么样？", "en": "How did the upgrade or the porting go?"},
    "after-sales": {"zh": "升级以后用下来感觉怎么样？", "en": "How has it been since the upgrade?"},
    "hotline": {
        "zh": "您打过客服热线吗？体验如何？",
        "en": "Have you called the service hotline? How was it?",
    },
    "bill": {"zh": "账单和扣费方面呢？", "en": "What about your bill and the charges?"},
    "home_install": {"zh": "上门安装的情况能说说吗？", "en": "Can you tell me about the home installation?"},
    "number_porting": {"zh": "您办过携号转网吗？", "en": "Have you ported a number in or out?"},
    "app": {"zh": "手机营业厅App您用得多吗？", "en": "Do you use the mobile app much?"},
    "store": {"zh": "去过营业厅吗？", "en": "Have you been to one of the stores?"},
}
FOLLOW_UP = {
    "zh": ["还有呢？", "能具体说说吗？", "后来怎么样了？", "嗯，然后呢？"],
    "en": ["Anything else?", "Could you say more about that?", "What happened next?", "And then?"],
}
OPENING = {
    "zh": (
        "您好，感谢您参加这次访谈。先请您简单介绍一下自己用我们服务的情况。",
        [
            "我用星联的号快十年了，去年升级的5G。",
            "用了五六年了，家里宽带也是你们的。",
            "我是去年转网过来的。",
        ],
    ),
    "en": (
        "Hello, and thank you for taking part. Could you tell me a bit about how you use our services?",
        [
            "I have had a StarLink number for about six years and upgraded to 5G last spring.",
            "I moved to Shenzhen for work two years ago and got a StarLink SIM then.",
            "My whole family is on StarLink, I manage the accounts.",
        ],
    ),
}
CLOSING = {
    "zh": ("最后，您还有什么想补充的吗？", "没有了，希望你们能改进一下。"),
    "en": ("Finally, is there anything else you would like to add?", "No, that's all. I hope this helps."),
}
