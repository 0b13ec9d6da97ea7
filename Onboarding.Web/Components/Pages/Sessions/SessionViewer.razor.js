// Reports the tab's visibility to the viewer (it polls every second while visible, every 30 s when hidden),
// swaps the rotated view token into the address bar without a navigation, and scrolls the window of events:
// it opens at the tip, follows the tip while the reader is at the bottom, keeps the reader's place when events
// come in front or are let go, and asks for more when an end of the window comes near the screen.
const viewers = new Map();
let nextId = 1;

const isVisible = () => document.visibilityState === 'visible';

// How near the bottom counts as following the tip, and how far off screen an end starts loading.
const followSlack = 64;
const edgeMargin = '800px 0px';

// The element that scrolls the list: its nearest ancestor that scrolls its overflow, whether or not the content overflows
// yet (a first render can be shorter than the screen; choosing by height then picked the document, which never moved).
function scrollerOf(element) {
  for (let node = element?.parentElement; node && node !== document.body; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if (overflow === 'auto' || overflow === 'scroll') {
      return node;
    }
  }
  return document.scrollingElement;
}

function toEnd(state) {
  state.scroller.scrollTop = state.scroller.scrollHeight;
}

function isFollowing(scroller) {
  return scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - followSlack;
}

// The first card still on screen, and where it is: what to keep in place when the window changes.
function capture(state) {
  const cards = state.list?.querySelectorAll('article[data-seq]') ?? [];
  state.first = cards[0]?.dataset.seq;
  for (const card of cards) {
    const box = card.getBoundingClientRect();
    if (box.bottom > 0) {
      state.anchor = { seq: card.dataset.seq, top: box.top };
      return;
    }
  }
  state.anchor = null;
}

function restore(state) {
  const anchor = state.anchor;
  const card = anchor && state.list?.querySelector(`article[data-seq="${anchor.seq}"]`);
  if (card) {
    state.scroller.scrollTop += card.getBoundingClientRect().top - anchor.top;
  }
}

function onScroll(state) {
  if (state.frame) return;
  state.frame = requestAnimationFrame(() => {
    state.frame = 0;
    if (!state.scroller) return;
    capture(state);
    const following = isFollowing(state.scroller);
    if (following !== state.following) {
      state.following = following;
      state.viewer.invokeMethodAsync('OnFollowingChanged', following).catch(() => { });
    }
  });
}

function watchEdges(state) {
  state.edges?.disconnect();
  const root = state.scroller === document.scrollingElement ? null : state.scroller;
  state.edges = new IntersectionObserver(entries => {
    for (const entry of entries) {
      if (entry.isIntersecting) load(state, entry.target.dataset.edge);
    }
  }, { root, rootMargin: edgeMargin });
  state.list.querySelectorAll('li[data-edge]').forEach(edge => state.edges.observe(edge));
}

function load(state, edge) {
  if (state.loading || Date.now() < state.pausedUntil) return;
  state.loading = true;
  capture(state);
  state.viewer.invokeMethodAsync('OnEdgeVisible', edge)
    .then(moved => { if (!moved) state.pausedUntil = Date.now() + 2000; })
    .catch(() => { state.pausedUntil = Date.now() + 2000; })
    .finally(() => { state.loading = false; });
}

// After each render of the events: place the page ("end", "start" or "auto"), then watch the window's ends again
// (observing anew reports an end that is still near the screen, so a short window keeps filling).
export function afterRender(id, list, place) {
  const state = viewers.get(id);
  if (!state || !(list instanceof Element)) return;
  if (state.list !== list) {
    state.scrollTarget?.removeEventListener('scroll', state.scrollListener);
    state.list = list;
    state.scroller = scrollerOf(list);
    const target = state.scroller === document.scrollingElement ? window : state.scroller;
    target.addEventListener('scroll', state.scrollListener, { passive: true });
    state.scrollTarget = target;
    // Cards grow after they render (fonts, wrapping, components drawing themselves): a reader at the tip stays there.
    state.resizes?.disconnect();
    state.resizes = new ResizeObserver(() => { if (state.following) toEnd(state); });
    state.resizes.observe(list);
  }
  if (place === 'end' || (place === 'auto' && state.following)) {
    toEnd(state);
    state.following = true;
  } else if (place === 'start') {
    list.scrollIntoView({ block: 'start' });
    state.following = isFollowing(state.scroller);
  } else if (list.querySelector('article[data-seq]')?.dataset.seq !== state.first) {
    // Cards came in front of the one being read, or were let go before it.
    restore(state);
  }
  capture(state);
  watchEdges(state);
}

export function connect(viewer) {
  const id = nextId++;
  const state = { viewer, following: true, anchor: null, loading: false, pausedUntil: 0, frame: 0 };
  state.scrollListener = () => onScroll(state);
  state.visibilityListener = () => {
    viewer.invokeMethodAsync('OnVisibilityChanged', isVisible()).catch(() => { });
  };
  document.addEventListener('visibilitychange', state.visibilityListener);
  viewers.set(id, state);
  let timeZone = null;
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    // Older browsers: the page shows UTC.
  }
  return { id, visible: isVisible(), timeZone };
}

export function disconnect(id) {
  const state = viewers.get(id);
  if (state) {
    document.removeEventListener('visibilitychange', state.visibilityListener);
    state.scrollTarget?.removeEventListener('scroll', state.scrollListener);
    state.edges?.disconnect();
    state.resizes?.disconnect();
    viewers.delete(id);
  }
}

export function showToken(token) {
  const url = new URL(window.location.href);
  url.searchParams.set('t', token);
  // Keep Blazor's history state; only the address changes.
  history.replaceState(history.state, '', url);
}
