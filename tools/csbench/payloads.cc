#include "tools/csbench/payloads.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "libs/common/utf8.h"

namespace cs::csbench {
namespace {

namespace v1 = ::cs::ticket::v1;
namespace common = ::cs::common::v1;

// A subject with the category path and the detail sentences that fit it.
struct Topic {
  absl::string_view subject;
  std::array<absl::string_view, 2> category;
  std::array<absl::string_view, 3> details;
};

constexpr Topic kTopics[] = {
    {"手机信号弱",
     {"手机类", "信号问题"},
     {"在家中客厅和卧室手机信号只有一格，经常显示无服务",
      "通话过程中频繁中断，对方听不清声音，需要反复回拨",
      "换到窗边信号稍好，但移动数据网速很慢，视频无法加载"}},
    {"退款未到账",
     {"订单类", "退款问题"},
     {"退货申请已经审核通过，快递也显示商家签收，但退款一直没有到账",
      "客服此前承诺三到五个工作日退回原支付账户，现在已经超过十天",
      "查询银行流水没有任何入账记录，订单页面仍显示退款处理中"}},
    {"宽带频繁掉线",
     {"宽带类", "网络故障"},
     {"家里的宽带每天晚上八点以后就频繁掉线，重启光猫后能恢复几分钟",
      "光猫上的LOS指示灯偶尔闪红，孩子上网课经常被迫中断",
      "测速只有签约带宽的三分之一，白天和晚上差别很大"}},
    {"话费扣费异常",
     {"账务类", "扣费争议"},
     {"本月账单比平时多出六十多元，详单里有几笔不认识的增值业务费用",
      "本人从未订购过这些业务，也没有收到任何订购确认短信",
      "希望核实扣费来源，退还不合理费用并取消所有未经同意的业务"}},
    {"订单物流停滞",
     {"订单类", "物流问题"},
     {"订单显示已发货，但物流信息五天没有更新，一直停在中转站",
      "联系快递网点电话无人接听，商品是给老人买的急用药品",
      "希望尽快核实包裹位置，如果丢失请安排补发或者退款"}},
    {"商品质量问题",
     {"商品类", "质量问题"},
     {"收到的电热水壶使用第二天底座就发烫冒烟，存在安全隐患",
      "外包装完好，但说明书缺页，保修卡上没有盖店铺印章",
      "要求退货退款，并希望对同批次商品进行质量排查"}},
    {"发票开具错误",
     {"账务类", "发票问题"},
     {"申请的增值税专用发票抬头写错了公司名称，税号也少了一位",
      "公司财务要求本月底前完成报销，时间比较紧张",
      "希望作废原发票并重新开具，同时寄送纸质发票到公司地址"}},
    {"会员积分未到账",
     {"会员类", "积分问题"},
     {"上周参加会员日活动消费满五百元，承诺的双倍积分一直没有到账",
      "会员中心显示活动订单状态正常，但积分明细里没有记录",
      "希望补发积分，并说明积分到账的具体规则和时间"}},
    {"账户被冻结",
     {"账户类", "安全问题"},
     {"今天登录时提示账户存在异常已被临时冻结，无法查看订单",
      "本人没有在其他设备登录过，也没有修改过密码",
      "账户里还有未使用的余额和优惠券，希望尽快解冻并说明原因"}},
    {"套餐变更未生效",
     {"手机类", "套餐业务"},
     {"上月在营业厅办理了套餐降档，工作人员说次月一日生效",
      "但本月仍然按原来的高档套餐扣费，流量包也没有变化",
      "要求按照办理时的约定执行新套餐，并退还多扣的月租"}},
    {"充值未到账",
     {"账务类", "充值问题"},
     {"通过手机银行给本机号码充值一百元，银行已扣款但话费余额没有增加",
      "充值后手机因欠费停机，影响了正常工作联系",
      "已保留扣款截图和交易流水号，希望尽快核查并恢复通话"}},
    {"快递包裹破损",
     {"订单类", "物流问题"},
     {"收到包裹时外箱明显被挤压变形，里面的玻璃器皿碎了两个",
      "快递员要求先签收再处理，签收后联系不上快递员",
      "已经拍照留存，希望补发破损商品或者按价赔偿"}},
    {"预约上门维修",
     {"售后类", "维修服务"},
     {"家里的空调不制冷，外机运转但出风口一直是常温风",
      "已经在App上预约了维修，但预约时间过了两天师傅仍未上门",
      "家里有老人和小孩，天气炎热，希望尽快安排师傅上门检修"}},
    {"退货申请被拒",
     {"订单类", "退换货"},
     {"在七天无理由退货期内提交了退货申请，却被以影响二次销售为由拒绝",
      "商品只拆开了外包装，吊牌和配件都完好无损",
      "认为拒绝理由不成立，希望平台介入重新审核"}},
    {"优惠券无法使用",
     {"营销类", "优惠活动"},
     {"领取的满二百减三十优惠券在结算时提示不满足使用条件",
      "购物车里的商品都在活动范围内，金额也超过了二百元",
      "活动今晚就要结束了，希望尽快解决或者给予等额补偿"}},
    {"验证码收不到",
     {"账户类", "登录问题"},
     {"重置密码时短信验证码一直收不到，已经尝试了十几次",
      "手机没有开启短信拦截，其他平台的验证码都能正常接收",
      "现在无法登录账户处理订单，希望提供其他验证方式"}},
    {"国际漫游无法使用",
     {"手机类", "漫游业务"},
     {"出差到新加坡后手机一直没有信号，已经开通了国际漫游功能",
      "手动选择当地运营商网络也无法注册，只能连接酒店无线网络",
      "工作上有重要电话需要接听，希望尽快远程排查开通情况"}},
    {"流量超额扣费",
     {"手机类", "流量问题"},
     {"本月流量突然超出套餐二十多个G，产生了较高的超额费用",
      "手机上的流量统计显示本月只用了不到十个G",
      "怀疑计费有误，希望提供详细的上网记录并核减费用"}},
};
constexpr int kTopicCount = sizeof(kTopics) / sizeof(kTopics[0]);

constexpr absl::string_view kOpenings[] = {
    "客户来电反映：",         "客户通过在线客服留言称：",
    "客户在App内反馈：",      "客户在小程序提交工单，描述如下：",
    "客户再次来电催办，称：", "客户来信投诉：",
};

constexpr absl::string_view kTimes[] = {
    "该问题从本月三日开始出现，",
    "最近一周以来情况越来越严重，",
    "昨天晚上第一次发现，",
    "已经持续了半个多月，",
    "上周五已经反映过一次，但至今没有人联系，",
};

constexpr absl::string_view kFollowUps[] = {
    "客户情绪比较激动，表示如果今天得不到答复将向消费者协会投诉。",
    "客户表示自己是老用户，对这次的处理速度很不满意。",
    "已向客户致歉，并告知会在二十四小时内给予答复。",
    "客户希望回电时间安排在工作日下午两点到五点之间。",
    "已核实客户身份信息，账户状态正常，需要后台进一步排查。",
    "客户提供了相关截图和订单编号，已附在工单附件中。",
    "客户要求处理结果通过短信通知，并保留书面记录。",
    "经初步排查未发现明显异常，建议转技术支持部门跟进。",
};

constexpr absl::string_view kCustomerKinds[] = {"个人客户", "企业客户",
                                                "VIP客户"};

constexpr absl::string_view kReplies[] = {
    "您好，非常抱歉给您带来不便，您反映的问题我们已经记录并提交后台核查，"
    "预计二十四小时内给您答复，请保持电话畅通。",
    "您好，经核实您的问题属实，我们已为您申请补偿，款项将在三到五个工作日内"
    "退回原支付账户，请注意查收。",
    "您好，技术人员已经远程为您重置了网络配置，请您重启设备后再试一次，"
    "如仍有问题请随时联系我们。",
    "您好，已为您预约明天上午九点到十二点的上门服务，师傅出发前会提前电话联系"
    "您，感谢您的耐心等待。",
    "您好，相关费用已核减，调整后的账单将在下个账期体现，给您造成的困扰深表"
    "歉意。",
};

constexpr absl::string_view kSurnames[] = {"张", "王", "李", "赵", "刘",
                                           "陈", "杨", "黄", "周", "吴"};
constexpr absl::string_view kGivenNames[] = {
    "伟", "芳", "娜", "敏",   "静",   "丽",   "强",
    "磊", "军", "洋", "晓明", "建华", "秀英", "志强"};
constexpr absl::string_view kRegions[] = {
    "广东省深圳市", "北京市朝阳区", "上海市浦东新区", "浙江省杭州市",
    "四川省成都市", "湖北省武汉市", "江苏省南京市",   "陕西省西安市"};
constexpr absl::string_view kMobilePrefixes[] = {"138", "139", "136", "186",
                                                 "158", "177", "199", "135"};

constexpr common::Channel kChannels[] = {
    common::CHANNEL_PHONE, common::CHANNEL_ONLINE_CHAT, common::CHANNEL_APP,
    common::CHANNEL_MINI_PROGRAM, common::CHANNEL_EMAIL};
constexpr common::Stage kStages[] = {
    common::STAGE_PRE_SALE, common::STAGE_IN_SALE, common::STAGE_AFTER_SALE,
    common::STAGE_AFTER_SALE};

template <typename T, size_t N>
const T& PickOne(std::mt19937_64& random, const T (&items)[N]) {
  return items[random() % N];
}

}  // namespace

PayloadGenerator::PayloadGenerator(Options options)
    : options_(std::move(options)) {}

std::string PayloadGenerator::Description(std::mt19937_64& random,
                                          int subject_index) const {
  const Topic& topic = kTopics[subject_index % kTopicCount];
  std::string text;
  size_t chars = 0;
  auto append = [&](absl::string_view part) {
    text.append(part.data(), part.size());
    chars += CharLength(part);
  };
  append(PickOne(random, kOpenings));
  append(PickOne(random, kTimes));
  // The topic's own details first (in a random rotation), then follow-ups.
  const size_t first = random() % topic.details.size();
  for (size_t i = 0; i < topic.details.size(); ++i) {
    append(topic.details[(first + i) % topic.details.size()]);
    append(i + 1 < topic.details.size() ? "，" : "。");
  }
  // Follow-ups without repeating one until all were used.
  constexpr size_t kFollowUpCount = sizeof(kFollowUps) / sizeof(kFollowUps[0]);
  size_t next = random() % kFollowUpCount;
  size_t used = 0;
  const size_t wanted = static_cast<size_t>(options_.description_chars);
  while (chars < wanted) {
    if (used == kFollowUpCount) {
      // Longer than every phrase together: repeat the topic's details.
      append("补充说明：");
      append(topic.details[random() % topic.details.size()]);
      append("。");
      continue;
    }
    append(kFollowUps[next]);
    next = (next + 1) % kFollowUpCount;
    ++used;
  }
  return text;
}

v1::CreateTicketRequest PayloadGenerator::CreateTicket(
    std::mt19937_64& random, const std::string& customer_id,
    const std::string& request_id) const {
  const int topic_index = static_cast<int>(random() % kTopicCount);
  const Topic& topic = kTopics[topic_index];
  v1::CreateTicketRequest request;
  request.set_request_id(request_id);
  v1::Ticket* ticket = request.mutable_ticket();
  ticket->set_channel(PickOne(random, kChannels));
  ticket->set_stage(PickOne(random, kStages));
  ticket->add_category(std::string(topic.category[0]));
  ticket->add_category(std::string(topic.category[1]));
  ticket->add_category(std::string(PickOne(random, kCustomerKinds)));
  ticket->set_department(options_.department);
  ticket->set_subject(std::string(topic.subject));
  ticket->set_description(Description(random, topic_index));
  ticket->set_customer_id(customer_id);
  if (random() % 4 == 0) {
    ticket->set_affected_customer_count(static_cast<int>(1 + random() % 50));
  }
  return request;
}

v1::AddReplyRequest PayloadGenerator::Reply(std::mt19937_64& random,
                                            const std::string& name) const {
  v1::AddReplyRequest request;
  request.set_name(name);
  v1::Reply* reply = request.mutable_reply();
  reply->set_author_kind(v1::AUTHOR_KIND_AGENT);
  reply->set_visibility(v1::REPLY_VISIBILITY_PUBLIC);
  reply->set_body(std::string(PickOne(random, kReplies)));
  return request;
}

kb::v1::CreateArticleRequest PayloadGenerator::Article(
    std::mt19937_64& random, const std::string& category, int index) const {
  const int topic_index = static_cast<int>(random() % kTopicCount);
  kb::v1::CreateArticleRequest request;
  kb::v1::ArticleContent* content = request.mutable_content();
  content->set_format(kb::v1::BODY_FORMAT_PLAIN_TEXT);
  content->set_title(
      absl::StrCat(kTopics[topic_index].subject, "处理指引 ", index + 1));
  content->set_body(Description(random, topic_index));
  content->set_category(category);
  return request;
}

std::string PayloadGenerator::KbQuery(std::mt19937_64& random) const {
  const Topic& topic = kTopics[random() % kTopicCount];
  if (random() % 2 == 0) return std::string(topic.subject);
  // The first clause of a detail sentence, up to 8 characters.
  const absl::string_view detail =
      topic.details[random() % topic.details.size()];
  return std::string(Utf8Prefix(detail, 8));
}

complaint::v1::FileRequest PayloadGenerator::Complaint(
    std::mt19937_64& random, const std::string& customer_id,
    const std::string& request_id) const {
  const int topic_index = static_cast<int>(random() % kTopicCount);
  complaint::v1::FileRequest request;
  request.set_request_id(request_id);
  complaint::v1::Complaint* complaint = request.mutable_complaint();
  complaint->set_customer_id(customer_id);
  complaint->set_channel(PickOne(random, kChannels));
  complaint->set_severity(static_cast<complaint::v1::Severity>(
      complaint::v1::SEVERITY_MINOR + random() % 3));
  complaint->set_description(Description(random, topic_index));
  return request;
}

v1::Customer PayloadGenerator::Customer(std::mt19937_64& random,
                                        const std::string& customer_id) const {
  v1::Customer customer;
  customer.set_name(absl::StrCat("customers/", customer_id));
  customer.set_full_name(
      absl::StrCat(PickOne(random, kSurnames), PickOne(random, kGivenNames)));
  customer.set_title(random() % 2 == 0 ? v1::TITLE_MR : v1::TITLE_MS);
  customer.set_region(std::string(PickOne(random, kRegions)));
  customer.set_type(random() % 5 == 0 ? v1::CUSTOMER_TYPE_VIP
                                      : v1::CUSTOMER_TYPE_RETURNING);
  customer.set_phone(absl::StrFormat("%s%08d", PickOne(random, kMobilePrefixes),
                                     static_cast<int>(random() % 100000000)));
  return customer;
}

}  // namespace cs::csbench
