// Firefox starts an HTML5 drag only when the drag carries data; Blazor's drag events cannot set it.
document.addEventListener("dragstart", event => {
    const card = event.target.closest && event.target.closest("[data-testid=kanban-card]");
    if (card && event.dataTransfer) {
        event.dataTransfer.setData("text/plain", card.dataset.dealId || "");
        event.dataTransfer.effectAllowed = "move";
    }
}, true);
