// Progressive enhancement of the canned-query form: each chooser (a <select> of things by
// label) becomes an accessible-autocomplete field, so an analyst can type part of a name.
// Without this script, or without JavaScript, the plain <select> still works.
//
// Suggestions are ranked, not listed in the select's (alphabetical) order: a label that is
// exactly what was typed comes first, then an exact code or abbreviation (an option's
// data-names), then labels starting with it, names with a word starting with it, and last
// names merely containing it.  So "Staffordshire Police" + Enter picks Staffordshire
// Police, not "Office of the Staffordshire Police, Fire and Crime Commissioner".
(function () {
  'use strict';
  if (!window.accessibleAutocomplete) { return; }

  function normalise(text) {
    return text.replace(/[_-]/g, ' ').toLowerCase().split(/\s+/).filter(Boolean).join(' ');
  }

  function rank(query, label, others) {
    if (!query) { return 0; }
    var name = normalise(label);
    if (name === query) { return 0; }
    if (others.indexOf(query) !== -1) { return 1; }
    if (name.indexOf(query) === 0) { return 2; }
    var all = [name].concat(others);
    for (var i = 0; i < all.length; i++) {
      if (all[i].indexOf(query) === 0 || all[i].indexOf(' ' + query) !== -1) { return 3; }
    }
    for (var j = 0; j < all.length; j++) {
      if (all[j].indexOf(query) !== -1) { return 4; }
    }
    return -1;
  }

  function rankedSource(select) {
    var entries = [];
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      var names = (option.getAttribute('data-names') || '').split('|');
      entries.push({
        label: option.textContent,
        others: names.filter(Boolean).map(normalise),
        order: i
      });
    }
    return function (typed, populate) {
      var query = normalise(typed);
      var current = select.options[select.selectedIndex];
      if (current && query && query === normalise(current.textContent)) {
        // The value already chosen: it first, then every other one (not just itself).
        var others = entries.filter(function (e) { return e.label !== current.textContent; });
        populate([current.textContent].concat(others.map(function (e) { return e.label; })));
        return;
      }
      var found = [];
      for (var i = 0; i < entries.length; i++) {
        var score = rank(query, entries[i].label, entries[i].others);
        if (score >= 0) { found.push({ score: score, entry: entries[i] }); }
      }
      found.sort(function (a, b) { return a.score - b.score || a.entry.order - b.entry.order; });
      populate(found.map(function (item) { return item.entry.label; }));
    };
  }

  var selects = document.querySelectorAll('select[data-chooser]');
  for (var i = 0; i < selects.length; i++) {
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: selects[i],
      source: rankedSource(selects[i]),
      showAllValues: true,
      dropdownArrow: function () { return ''; },
      preserveNullOptions: true
    });
  }
})();
