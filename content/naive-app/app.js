// Ledger Viewer: a DELIBERATELY NAIVE browser app for the tokenbook course.
// DO NOT COPY THIS. It ships a client secret to every visitor, which is the
// mistake lesson 08 is about. The credentials below are FAKE and work only
// against the playground's simulated authorization server.

const TOKEN_ENDPOINT = "https://auth.example.com/oauth2/token";
const CLIENT_ID = "billing-service";
const CLIENT_SECRET = "FAKE-secret-for-the-course-only";

function describeTokenRequest() {
  const body = "grant_type=client_credentials&scope=ledger%3Aread";
  const basic = btoa(encodeURIComponent(CLIENT_ID) + ":" + encodeURIComponent(CLIENT_SECRET));
  return [
    "POST " + new URL(TOKEN_ENDPOINT).pathname + " HTTP/1.1",
    "Host: " + new URL(TOKEN_ENDPOINT).host,
    "Authorization: Basic " + basic,
    "Content-Type: application/x-www-form-urlencoded",
    "",
    body,
  ].join("\n");
}

document.getElementById("load").addEventListener("click", function () {
  // A real naive app would send this request; this one only shows it, so the
  // course never contacts another site.
  document.getElementById("log").textContent =
    "This app would now send, from your browser:\n\n" + describeTokenRequest() +
    "\n\n...and anyone who opened app.js has the same secret.";
});
