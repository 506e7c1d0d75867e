// Where the page finds the gateway. `destgraph serve --demo` serves its own config.js in place of
// this file, with the gateway it runs and the demo's key; elsewhere edit this file, or open the
// page with ?gateway=https://gateway.example.com/graphql and give the key in the page.
export default {
  gatewayUrl: "http://127.0.0.1:8000/graphql",
  apiKey: "",
};
