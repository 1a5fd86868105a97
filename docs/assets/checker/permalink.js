// Where the checker's permalink keeps the encounter: in the URL fragment (`/checker/#date_of_service=…`),
// which a browser never sends to a server — not in a request, not in a Referer, not in a log
// (issue 13). Old links with a query string (`/checker/?date_of_service=…`) still open: the
// checker reads them and moves the encounter to the fragment (history.replaceState).
//
// A fragment is an encounter when it has a `name=value` pair; any other fragment (a heading's
// anchor, `#how-it-works`) is left alone and means "no encounter".

function isEncounter(text) {
  return /^[^=&#]+=/.test(text);
}

// The encounter's query text in a URL (no leading "?" or "#"), or "" when it has none.
export function encounterText(url = location) {
  const hash = url.hash.slice(1);
  if (isEncounter(hash)) return hash;
  return url.search.slice(1);
}

// Does this URL carry an encounter (in the fragment, or in an old link's query string)?
export function hasEncounter(url = location) {
  return encounterText(url) !== "";
}

// The address of the checker page holding this encounter (query text, "" for none).
export function permalinkHref(query, url = location) {
  return `${url.pathname}${query ? "#" + query : ""}`;
}

// An old `?…` link: put its encounter in the fragment, drop the query string, keep the entry.
export function moveQueryToFragment() {
  if (!location.search) return;
  const query = encounterText();
  history.replaceState(history.state, "", permalinkHref(query));
}
