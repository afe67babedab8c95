// Conditional questions, live: a question marked data-when-question / data-when-option is
// shown only while that single-choice question has that option checked (and is itself shown).
// A hidden question is disabled, so its answers are not sent; the server ignores them anyway,
// and without JavaScript every question is shown with a note saying when it applies.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.questionnaire");
  if (!form) return;
  const conditional = Array.from(form.querySelectorAll("fieldset[data-when-question]"));
  if (!conditional.length) return;

  function shown(questionId) {
    const fieldset = document.getElementById(`question-${questionId}`);
    return fieldset !== null && !fieldset.hidden;
  }

  function update() {
    // Conditions always point to an earlier question: one pass in page order is enough.
    for (const fieldset of conditional) {
      const on = fieldset.dataset.whenQuestion;
      const checked = form.querySelector(`input[name="q${on}"]:checked`);
      const visible = shown(on) && checked !== null && checked.value === fieldset.dataset.whenOption;
      fieldset.hidden = !visible;
      fieldset.disabled = !visible;
    }
  }

  form.addEventListener("change", update);
  update();
});
