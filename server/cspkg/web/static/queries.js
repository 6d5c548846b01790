// Progressive enhancement of the canned-query form: each chooser (a <select> of things by
// label) becomes an accessible-autocomplete field, so an analyst can type part of a name.
// Without this script, or without JavaScript, the plain <select> still works.
(function () {
  'use strict';
  if (!window.accessibleAutocomplete) { return; }
  var selects = document.querySelectorAll('select[data-chooser]');
  for (var i = 0; i < selects.length; i++) {
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: selects[i],
      showAllValues: true,
      dropdownArrow: function () { return ''; },
      preserveNullOptions: true
    });
  }
})();
