#pragma once

#include <nlohmann/json.hpp>

#include "picket/controller/service.hpp"

namespace picket::controller::api {

// For a route that cuts access off: what each gateway host said about the
// change it made ("gateways" in the answer: applied in N ms, failed, or
// unreachable). Made before the Service call, so that answers left from an
// earlier request are never reported as this one's. A single box (one
// interface in this process) adds nothing: its change worked or threw.
class GatewayAnswersOf {
 public:
  explicit GatewayAnswersOf(Service& service) : service_(service) {
    service_.take_gateway_answers();
  }
  void add_to(nlohmann::json& body) {
    const auto answers = service_.take_gateway_answers();
    if (!answers) return;
    auto& out = body["gateways"] = nlohmann::json::array();
    for (const auto& answer : *answers) {
      nlohmann::json item{{"name", answer.name}};
      switch (answer.outcome) {
        case GatewayAnswer::Outcome::applied:
          item["outcome"] = "applied";
          item["ms"] = answer.took.count();
          break;
        case GatewayAnswer::Outcome::failed:
          item["outcome"] = "failed";
          item["ms"] = answer.took.count();
          item["error"] = answer.error;
          break;
        case GatewayAnswer::Outcome::unreachable:
          item["outcome"] = "unreachable";
          break;
      }
      out.push_back(std::move(item));
    }
  }

 private:
  Service& service_;
};

}  // namespace picket::controller::api
