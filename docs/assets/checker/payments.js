// The checker answer's Medicare amounts: one sentence per reported line, from the "payments"
// the engine's web entry point adds to a Medicare answer (engine/core/web.py, run; the amounts
// come from engine/core/payments.py and the codebook's fee schedules). `h` is checker.js's DOM
// helper (all text goes through textContent).

const SITE_ROOT = new URL("../../", import.meta.url);
const RATE_WORDS = { nonfacility: "non-facility", facility: "facility" };

function dollars(value) {
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function sentence(p) {
  if (p.amount !== null) {
    const units = p.units > 1 ? ` for ${p.units} units` : "";
    return `Medicare national amount: ${dollars(p.amount)}${units} (${RATE_WORDS[p.rate]}, POS ${p.pos})`;
  }
  if (p.nonfacility !== null) {
    return `Medicare national amount: ${dollars(p.nonfacility)} non-facility or ${dollars(p.facility)} facility ` +
      "per unit; your usual place of service decides which";
  }
  return "No Medicare fee schedule amount: Medicare does not pay this code from the physician fee schedule";
}

export function renderPayments(payments, h) {
  const shown = (payments || []).filter(Boolean);
  if (!shown.length) return null;
  const release = shown[0].release;
  return [
    h("h3", {}, "Medicare payment"),
    h(
      "ul",
      { class: "tc-payments", "data-testid": "payments" },
      shown.map((p) =>
        h("li", { "data-code": p.code, "data-amount": p.amount ?? "" },
          h("a", { href: new URL(`codes/${encodeURIComponent(p.code)}/#medicare-payment`, SITE_ROOT).href }, p.code),
          `: ${sentence(p)}.`),
      ),
    ),
    h("p", { class: "tc-note" },
      `National amounts from the CMS physician fee schedule (${release} release), before the ` +
      "locality adjustment, deductible, coinsurance and any other adjustment. Code pages show " +
      "the amount in each locality for the years the codebook holds its cost indices."),
  ];
}
