// Set up event handlers
const reconnectModal = document.getElementById("components-reconnect-modal");
reconnectModal.addEventListener("components-reconnect-state-changed", handleReconnectStateChanged);

const retryButton = document.getElementById("components-reconnect-button");
retryButton.addEventListener("click", retry);

const resumeButton = document.getElementById("components-resume-button");
resumeButton.addEventListener("click", resume);

// An unattended screen (the office TV board) has nobody to press "Retry": it keeps trying by itself and,
// when the server has restarted, reloads the page — but only once the server answers, so it never lands
// on the browser's own error page.
const unattended = () => document.querySelector("[data-unattended]") !== null;
let unattendedRetry = null;

function handleReconnectStateChanged(event) {
    if (event.detail.state === "show") {
        reconnectModal.showModal();
    } else if (event.detail.state === "hide") {
        reconnectModal.close();
        stopUnattendedRetry();
    } else if (event.detail.state === "failed") {
        if (unattended()) startUnattendedRetry();
        else document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
    } else if (event.detail.state === "rejected") {
        reloadWhenServerAnswers();
    }
}

function startUnattendedRetry() {
    if (unattendedRetry) return;
    unattendedRetry = setInterval(async () => {
        try {
            const successful = await Blazor.reconnect();
            if (successful) {
                stopUnattendedRetry();
                reconnectModal.close();
            } else {
                stopUnattendedRetry();
                await reloadWhenServerAnswers();
            }
        } catch {
            // still offline: try again at the next tick
        }
    }, 5000);
}

function stopUnattendedRetry() {
    if (unattendedRetry) {
        clearInterval(unattendedRetry);
        unattendedRetry = null;
    }
}

async function reloadWhenServerAnswers() {
    for (;;) {
        try {
            const response = await fetch("/health", { cache: "no-store" });
            if (response.ok) {
                location.reload();
                return;
            }
        } catch {
            // server not reachable yet
        }
        await new Promise(resolve => setTimeout(resolve, 5000));
    }
}

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenDocumentBecomesVisible);

    try {
        // Reconnect will asynchronously return:
        // - true to mean success
        // - false to mean we reached the server, but it rejected the connection (e.g., unknown circuit ID)
        // - exception to mean we didn't reach the server (this can be sync or async)
        const successful = await Blazor.reconnect();
        if (!successful) {
            // We have been able to reach the server, but the circuit is no longer available.
            // We'll reload the page so the user can continue using the app as quickly as possible.
            const resumeSuccessful = await Blazor.resumeCircuit();
            if (!resumeSuccessful) {
                await reloadWhenServerAnswers();
            } else {
                reconnectModal.close();
            }
        }
    } catch (err) {
        // We got an exception, server is currently unavailable
        document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
    }
}

async function resume() {
    try {
        const successful = await Blazor.resumeCircuit();
        if (!successful) {
            location.reload();
        }
    } catch {
        reconnectModal.classList.replace("components-reconnect-paused", "components-reconnect-resume-failed");
    }
}

async function retryWhenDocumentBecomesVisible() {
    if (document.visibilityState === "visible") {
        await retry();
    }
}
