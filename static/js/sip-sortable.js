// Drag to reorder (SortableJS, vendored): a list marked data-sortable posts the ids of its
// items (data-id), in their new order, through the form named by data-order-form; items move
// by their handle (the selector in data-handle), so lists may nest. Without
// JavaScript, or from the keyboard, each item's Up and Down buttons do the same.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Sortable) return;
  document.querySelectorAll(".sortable-hint").forEach((hint) => { hint.hidden = false; });
  document.querySelectorAll("[data-sortable]").forEach((list) => {
    const form = document.getElementById(list.dataset.orderForm);
    if (!form) return;
    list.classList.add("is-sortable");
    window.Sortable.create(list, {
      handle: list.dataset.handle,
      draggable: "[data-id]",
      animation: 150,
      onEnd(event) {
        if (event.oldIndex === event.newIndex) return;
        const ids = Array.from(list.children)
          .filter((item) => item.dataset.id)
          .map((item) => item.dataset.id);
        form.elements.order.value = ids.join(",");
        form.submit();
      },
    });
  });
});
