/* The map component (core/_map.html, decision 0032) on the vendored Leaflet.
 *
 * Each `[data-map]` element names a `json_script` block: the tiles (an empty URL draws no
 * tiles), the points, the centre and zoom, and — for a form — the ids of the latitude and
 * longitude inputs to fill by a click, the Enter key (the map's centre) or the browser's
 * location. Markers do not depend on the tiles: with the tile server unreachable they are
 * still drawn on the plain background. So do the approximate outlines (decision 0038):
 * dashed SVG shapes round a territory's places, under the markers, with a legend naming
 * them approximate. Without JavaScript the map stays hidden and the
 * text beside it (and the coordinate inputs) is all there is.
 */
(function () {
  "use strict";

  function number(text) {
    var value = parseFloat(String(text || "").trim().replace(",", ".").replace("\u2212", "-"));
    return isFinite(value) ? value : null;
  }

  function onGlobe(lat, lon) {
    return lat !== null && lon !== null && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
  }

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function popup(point) {
    var node;
    if (point.url) {
      node = document.createElement("a");
      node.href = point.url;
    } else {
      node = document.createElement("span");
    }
    node.textContent = point.label;
    return node;
  }

  function outlinePopup(outline, note) {
    var box = document.createElement("div");
    box.appendChild(popup(outline));
    var small = document.createElement("div");
    small.className = "map-outline-note";
    small.textContent = note;
    box.appendChild(small);
    return box;
  }

  // The outlines under the markers, and a legend; returns the legend's box (or null).
  function drawOutlines(map, data, bounds) {
    var outlines = data.outlines || [];
    if (!outlines.length) return null;
    var style = {className: "map-outline", color: "#2b6b5e", weight: 2, opacity: 0.9,
                 dashArray: "6 6", fillColor: "#2b6b5e", fillOpacity: 0.08};
    outlines.forEach(function (outline) {
      var shape = outline.points.length >= 3 ? L.polygon(outline.points, style)
        : L.polyline(outline.points, style);
      shape.bindPopup(outlinePopup(outline, data.text.outlineNote));
      shape.addTo(map);
      outline.points.forEach(function (at) { bounds.push(at); });
    });
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      var line = L.DomUtil.create("span", "map-legend-line", box);
      line.setAttribute("aria-hidden", "true");
      box.appendChild(document.createTextNode(data.text.outlineNote));
      return box;
    };
    legend.addTo(map);
    return legend.getContainer();
  }

  function setupPick(map, el, data) {
    var lat = document.getElementById(data.pick.lat);
    var lon = document.getElementById(data.pick.lon);
    if (!lat || !lon) return;
    var text = data.text;
    var status = document.getElementById(el.id + "-status");
    var hint = document.getElementById(el.id + "-hint");
    if (hint) hint.hidden = false;
    var marker = null;

    function say(message) {
      if (status) status.textContent = message;
    }

    function place(la, lo) {
      if (marker) {
        marker.setLatLng([la, lo]);
        return;
      }
      marker = L.marker([la, lo], {draggable: true, keyboard: true, title: text.picked}).addTo(map);
      marker.on("dragend", function () {
        var at = marker.getLatLng().wrap();
        fill(at.lat, at.lng, text.picked);
      });
    }

    function fill(la, lo, message) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      [lat, lon].forEach(function (input) {
        input.dispatchEvent(new Event("input", {bubbles: true}));
        input.dispatchEvent(new Event("change", {bubbles: true}));
      });
      place(la, lo);
      say(message);
    }

    function fromInputs() {
      var la = number(lat.value), lo = number(lon.value);
      if (onGlobe(la, lo)) {
        place(la, lo);
        map.setView([la, lo], Math.max(map.getZoom(), data.zoom));
      }
    }

    map.on("click", function (event) {
      var at = event.latlng.wrap();
      fill(at.lat, at.lng, text.picked);
    });
    map.on("keydown", function (event) {
      if (event.originalEvent && event.originalEvent.key === "Enter") {
        var at = map.getCenter().wrap();
        fill(at.lat, at.lng, text.picked);
      }
    });
    lat.addEventListener("change", fromInputs);
    lon.addEventListener("change", fromInputs);
    if (onGlobe(number(lat.value), number(lon.value))) fromInputs();

    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary map-locate";
    button.textContent = text.locate;
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        say(text.noLocation);
        return;
      }
      say(text.locating);
      navigator.geolocation.getCurrentPosition(function (position) {
        var la = position.coords.latitude, lo = position.coords.longitude;
        fill(la, lo, text.located);
        map.setView([la, lo], data.zoom < 16 ? 16 : data.zoom);
      }, function () {
        say(text.noLocation);
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
    el.parentNode.insertBefore(button, el);
  }

  function init(el) {
    if (el.dataset.mapReady || !window.L) return;
    var source = document.getElementById(el.dataset.map);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    el.dataset.mapReady = "1";
    el.hidden = false;
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions(data.icons);
    var text = data.text;
    var map = L.map(el, {scrollWheelZoom: false, keyboard: true, zoomControl: false});
    L.control.zoom({zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut}).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", text.closePopup);
    });
    map.attributionControl.setPrefix("Leaflet");
    if (data.tiles.url) {
      L.tileLayer(data.tiles.url, {
        maxZoom: 19,
        attribution: escapeText(data.tiles.attribution),
        // The tile server learns the site, never the page (a person's card) it is on.
        referrerPolicy: "strict-origin-when-cross-origin"
      }).addTo(map);
    }
    var bounds = [];
    var legend = drawOutlines(map, data, bounds);
    data.points.forEach(function (point) {
      var name = point.label || text.marker;
      var marker = L.marker([point.lat, point.lon], {title: name, alt: name, keyboard: true});
      if (point.label) marker.bindPopup(popup(point));
      marker.addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length > 1) {
      // Room for the markers' pins above their points and for the legend below.
      var below = legend ? legend.offsetHeight + 8 : 0;
      map.fitBounds(bounds, {paddingTopLeft: [24, 44], paddingBottomRight: [24, 24 + below],
                             maxZoom: 14});
    } else {
      map.setView(data.center, data.zoom);
    }
    if (data.pick) setupPick(map, el, data);
    el.berezhnoMap = map;
  }

  function scan(root) {
    (root || document).querySelectorAll("[data-map]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(); });
  } else {
    scan();
  }
  document.addEventListener("htmx:load", function (event) { scan(event.detail.elt); });
})();
