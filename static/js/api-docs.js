// Starts Swagger UI on the API docs page (kept out of the HTML: the CSP forbids inline scripts).
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root, deepLinking: true });
})();
