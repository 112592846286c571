// Glicko-2, step by step as numbered in Glickman's "Example of the Glicko-2 system".
#include "actors/leaderboards/glicko2.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace aethex::actors::glicko2 {
namespace {

constexpr double glicko_scale = 173.7178;  // 400 / ln(10): public scale ↔ Glicko-2 scale
constexpr double glicko_base = 1500.0;
constexpr double glicko_rd_max = 350.0;
constexpr double glicko_epsilon = 1e-6;  // convergence of the volatility iteration (step 5)

double g_of(double phi) {
  return 1.0 / std::sqrt(1.0 + 3.0 * phi * phi / (std::numbers::pi * std::numbers::pi));
}

double expected_score(double mu, double mu_j, double phi_j) {
  return 1.0 / (1.0 + std::exp(-g_of(phi_j) * (mu - mu_j)));
}

// Step 5: the new volatility, by the Illinois algorithm on f(x) as in the paper.
double new_volatility(double phi, double sigma, double delta, double v, double tau_) {
  const double a = std::log(sigma * sigma);
  auto f = [&](double x) {
    const double ex = std::exp(x);
    const double d = phi * phi + v + ex;
    return ex * (delta * delta - phi * phi - v - ex) / (2.0 * d * d) - (x - a) / (tau_ * tau_);
  };
  double big_a = a;
  double big_b = 0.0;
  if (delta * delta > phi * phi + v) {
    big_b = std::log(delta * delta - phi * phi - v);
  } else {
    double k = 1.0;
    while (f(a - k * tau_) < 0.0)
      k += 1.0;
    big_b = a - k * tau_;
  }
  double fa = f(big_a);
  double fb = f(big_b);
  for (int i = 0; i < 100 && std::abs(big_b - big_a) > glicko_epsilon; ++i) {
    const double c = big_a + (big_a - big_b) * fa / (fb - fa);
    const double fc = f(c);
    if (fc * fb <= 0.0) {
      big_a = big_b;
      fa = fb;
    } else {
      fa /= 2.0;
    }
    big_b = c;
    fb = fc;
  }
  return std::exp(big_a / 2.0);
}

}  // namespace

rating update(const rating& player, std::span<const game> games, double tau_) {
  // Step 2: to the Glicko-2 scale.
  const double mu = (player.r - glicko_base) / glicko_scale;
  const double phi = player.rd / glicko_scale;
  if (games.empty())
    return {
      player.r,
      std::min(glicko_rd_max, glicko_scale * std::sqrt(phi * phi + player.sigma * player.sigma)),
      player.sigma};
  // Steps 3 and 4: estimated variance v and improvement delta.
  double v_inv = 0.0;
  double sum = 0.0;
  for (const auto& g : games) {
    const double mu_j = (g.opponent.r - glicko_base) / glicko_scale;
    const double phi_j = g.opponent.rd / glicko_scale;
    const double gj = g_of(phi_j);
    const double e = expected_score(mu, mu_j, phi_j);
    v_inv += gj * gj * e * (1.0 - e);
    sum += gj * (g.score - e);
  }
  const double v = 1.0 / v_inv;
  const double delta = v * sum;
  // Steps 5-7.
  const double sigma = new_volatility(phi, player.sigma, delta, v, tau_);
  const double phi_star = std::sqrt(phi * phi + sigma * sigma);
  const double phi_new = 1.0 / std::sqrt(1.0 / (phi_star * phi_star) + 1.0 / v);
  const double mu_new = mu + phi_new * phi_new * sum;
  // Step 8: back to the public scale.
  return {glicko_scale * mu_new + glicko_base, std::min(glicko_rd_max, glicko_scale * phi_new),
          sigma};
}

double idle_deviation(const rating& player, double periods) {
  const double phi = player.rd / glicko_scale;
  const double grown = std::sqrt(phi * phi + std::max(0.0, periods) * player.sigma * player.sigma);
  return std::min(glicko_rd_max, glicko_scale * grown);
}

}  // namespace aethex::actors::glicko2
