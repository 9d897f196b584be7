// Starts opening the signed-in account's mail store while the app's modules load (a classic
// script in <head>, before the app's module script runs). A cold browser's first open of an
// origin's IndexedDB is the slowest step of an offline start (hundreds of ms with a big mailbox);
// the app's own open (openStore, with the schema's version) then finds the database ready. Reads
// only what outpost/accounts keeps in localStorage; creates nothing and changes nothing.
(() => {
  try {
    const accounts = JSON.parse(localStorage.getItem('outpost-mail:accounts') || '[]');
    const index = /^\/u\/(\d+)(\/|$)/.exec(location.pathname);
    const account = accounts[index ? Number(index[1]) : 0];
    if (!account || typeof account.user !== 'string') return;
    const request = indexedDB.open(`mail:${encodeURIComponent(account.user)}`);
    // No such database (signed in on another device's data?): create none, the app's open does.
    request.onupgradeneeded = () => request.transaction.abort();
    request.onerror = (e) => e.preventDefault();
    request.onsuccess = () => request.result.close();
  } catch {
    // The app opens its store itself either way.
  }
})();
