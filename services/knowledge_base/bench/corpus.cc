#include "services/knowledge_base/bench/corpus.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace cs::kb::bench {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

// Products and services (telecom, devices, e-commerce).
constexpr const char* kProducts[] = {
    "手机",     "宽带",     "光猫",     "路由器",   "SIM卡",    "5G套餐",
    "流量包",   "话费",     "固话",     "电视盒子", "智能手表", "平板电脑",
    "iPhone 15", "华为Mate60", "小米14", "WiFi",     "会员",     "订单",
    "快递",     "优惠券",   "购物车",   "积分",     "信用卡",   "花呗",
    "账户",     "APP",      "发票",     "耳机",     "充电器",   "笔记本电脑"};

// Problems customers describe.
constexpr const char* kProblems[] = {
    "信号弱",     "无法上网",   "网速慢",     "频繁掉线",   "无法开机",
    "屏幕碎裂",   "退款",       "退货",       "换货",       "物流延迟",
    "快递丢失",   "包裹破损",   "扣费异常",   "重复扣款",   "账号被冻结",
    "密码忘记",   "无法登录",   "验证码收不到", "发票开具", "订单取消",
    "价格保护",   "优惠券失效", "积分清零",   "套餐变更",   "欠费停机",
    "携号转网",   "实名认证失败", "充电慢",   "发热严重",   "蓝牙连接失败",
    "通话杂音",   "短信收不到", "国际漫游",   "升级失败",   "激活失败"};

constexpr const char* kCustomers[] = {"个人用户", "企业客户", "VIP会员",
                                      "新用户",   "老用户",   "学生用户"};

constexpr const char* kPlaces[] = {"地下室",   "电梯里", "高铁上", "农村地区",
                                   "写字楼内", "家中",   "商场",   "机场"};

constexpr const char* kActions[] = {
    "重启设备",           "检查SIM卡是否插好",  "开关飞行模式",
    "恢复出厂设置",       "更新系统版本",       "清除APP缓存",
    "重新登录账号",       "联系在线客服",       "拨打客服热线",
    "在订单页面申请售后", "上传凭证照片",       "核对收货地址",
    "更换充电线",         "重置网络设置",       "关闭省电模式",
    "到营业厅办理",       "提交工单",           "查看物流详情",
    "申请电子发票",       "绑定银行卡",         "修改支付密码",
    "检查光猫指示灯",     "把路由器放在开阔处", "升级到5G套餐"};

constexpr const char* kTimes[] = {"24小时内", "1至3个工作日", "3至5个工作日",
                                  "7天内",    "15天内",       "次月账单日"};

constexpr const char* kTitleForms[] = {
    "%P%Q怎么办",   "%P%Q的原因及解决方法", "如何处理%P%Q",
    "%C%P%Q处理指南", "%P出现%Q该如何解决", "关于%P%Q的常见问题",
    "%P%Q多久能处理好", "%Q：%P常见故障排查"};

constexpr const char* kSentenceForms[] = {
    "如果您的%P出现%Q，请先%A。",
    "在%L使用%P时容易出现%Q，建议%A。",
    "%C遇到%Q问题，可以%A，一般%T处理完成。",
    "若%A后仍然%Q，请%B。",
    "%P%Q的常见原因包括网络覆盖不足、设备故障或账户状态异常。",
    "申请%Q后，款项将在%T原路退回，请留意短信通知。",
    "您可以在APP的“我的订单”中查看进度，订单号以%N开头。",
    "如需人工协助，请拨打客服热线400-%H或10086。",
    "部分型号（例如%P）需要先%A，再%B。",
    "本文适用于%C，其他用户请参考相关文章。",
    "温馨提示：%Q期间请勿%A，以免影响处理结果。",
    "我们会在%T给您回复，感谢您的耐心等待。"};

void Expand(const char* form, Rng& rng, const std::string& product,
            const std::string& problem, std::string& out) {
  for (const char* p = form; *p != '\0'; ++p) {
    if (*p != '%' || p[1] == '\0') {
      out.push_back(*p);
      continue;
    }
    switch (*++p) {
      case 'P': out += product; break;
      case 'Q': out += problem; break;
      case 'C': out += rng.Pick(kCustomers); break;
      case 'L': out += rng.Pick(kPlaces); break;
      case 'A': out += rng.Pick(kActions); break;
      case 'B': out += rng.Pick(kActions); break;
      case 'T': out += rng.Pick(kTimes); break;
      case 'N': absl::StrAppend(&out, 2024000000 + rng.Below(999999)); break;
      case 'H': absl::StrAppend(&out, 100 + rng.Below(900), "-",
                                1000 + rng.Below(9000)); break;
      default: out.push_back(*p);
    }
  }
}

}  // namespace

CorpusArticle GenerateArticle(uint64_t index) {
  Rng rng(index);
  const std::string product = rng.Pick(kProducts);
  const std::string problem = rng.Pick(kProblems);
  CorpusArticle a;
  Expand(rng.Pick(kTitleForms), rng, product, problem, a.title);
  const size_t sentences = 4 + rng.Below(8);
  for (size_t i = 0; i < sentences; ++i) {
    // Mostly about the article's own subject, sometimes a related one.
    const bool own = rng.Below(4) != 0;
    Expand(rng.Pick(kSentenceForms), rng,
           own ? product : std::string(rng.Pick(kProducts)),
           own ? problem : std::string(rng.Pick(kProblems)), a.body);
    if (rng.Below(5) == 0) a.body.push_back('\n');
  }
  a.tags = {product, problem};
  return a;
}

std::vector<std::string> GenerateQueries(size_t count) {
  Rng rng(0xC0FFEE);
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    switch (rng.Below(4)) {
      case 0: out.push_back(absl::StrCat(rng.Pick(kProducts),
                                         rng.Pick(kProblems))); break;
      case 1: out.push_back(rng.Pick(kProblems)); break;
      case 2: out.push_back(absl::StrCat(rng.Pick(kProducts), " ",
                                         rng.Pick(kProblems), "怎么办")); break;
      default: out.push_back(absl::StrCat(rng.Pick(kCustomers),
                                          rng.Pick(kActions))); break;
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> LoadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view q = absl::StripAsciiWhitespace(line);
    if (q.empty() || q[0] == '#') continue;
    out.emplace_back(q);
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no query"));
  }
  return out;
}

}  // namespace cs::kb::bench
