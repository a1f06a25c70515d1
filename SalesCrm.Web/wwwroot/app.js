// Firefox starts an HTML5 drag only when the drag carries data; Blazor's drag events cannot set it.
document.addEventListener("dragstart", event => {
    const card = event.target.closest && event.target.closest("[data-testid=kanban-card]");
    if (card && event.dataTransfer) {
        event.dataTransfer.setData("text/plain", card.dataset.dealId || "");
        event.dataTransfer.effectAllowed = "move";
    }
}, true);

// «Копировать»: a button with data-copy puts that text on the clipboard (a form's snippet in the administration) and says so
// for a moment. Without the clipboard API (a plain-http address) the text is copied through a selection.
document.addEventListener("click", event => {
    const button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    const text = button.dataset.copy || "";
    const done = () => {
        const label = button.textContent;
        button.textContent = button.dataset.copied || "✓";
        setTimeout(() => { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, () => {});
    } else {
        const area = document.createElement("textarea");
        area.value = text;
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
        done();
    }
});
