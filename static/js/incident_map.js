/*
 * The incident map's own behaviour in the browser (geo/maps/ builds the map).
 *
 * Loaded by the map like its vendored libraries (a script from static/, before the map's
 * own script runs). Nothing here is written by Python: the map's short inline scripts call
 * these functions with the map, its layers and its settings as arguments. Text from the
 * articles arrives already escaped where it is HTML (tooltips, panels) and is set as text
 * where it is a name (labels).
 */
var geoMap = (function () {

    // ------------------------------------------------------------------ page furniture

    /* Sea-coloured background, the local marker-icon path, and the framing of the points:
     * the map is often created while its iframe is still 0 px high, so Leaflet would clip
     * vectors and fit bounds to a wrong size. Follow the container's size and frame the
     * points again until the user pans or zooms, unless the page was opened from a link
     * that gives the view (a centre and zoom, or a place the map pans to): the first map of
     * that page keeps the link's view. */
    function setup(map, imagePath, bounds, sea) {
        var container = map.getContainer();
        L.DomUtil.addClass(container, "incident-map");
        container.style.background = sea;
        L.Icon.Default.imagePath = imagePath;
        var untouched = true;
        try {
            var top = window.parent;
            if (top !== window && !top.__geoMapLinkRead) {
                top.__geoMapLinkRead = true;
                var asked = new URL(top.location.href).searchParams;
                untouched = !((asked.has("c") && asked.has("z"))
                              || asked.has("location"));
            }
        } catch (e) { /* a page of another origin: frame the points */ }
        // The widest control on each side, as drawn now (a folded legend is
        // narrow): the points are framed between them, so at the opening view no
        // point lies under the legend, the country list or the layer control. The
        // attribution line and the scale are low and wide: a bottom margin clears them.
        function side(corners) {
            var widest = 0;
            map.getContainer().querySelectorAll(corners).forEach(function (corner) {
                corner.querySelectorAll(":scope > .leaflet-control").forEach(
                    function (c) {
                        if (!c.classList.contains("leaflet-control-attribution")
                                && !c.classList.contains("leaflet-control-scale")) {
                            widest = Math.max(widest, c.offsetWidth + 10);
                        }
                    });
            });
            return widest;
        }
        // Framed without animation: an animated zoom still running when
        // streamlit-folium sets a link's view would end at the framing's zoom.
        function frame() {
            // Points drawn side by side (``spreadOverlaps``) move up to 36 px from
            // their place: that much more margin keeps them clear too.
            var margin = 40, size = map.getSize();
            var left = side(".leaflet-left") + margin;
            // Plus room for the names drawn right of the points.
            var right = side(".leaflet-right") + margin + 60;
            if (size.x - left - right < 120) {  // a narrow map (or not laid out yet)
                left = right = Math.min(margin, size.x / 4);
            }
            var tb = Math.min(margin, size.y / 4);
            map.fitBounds(bounds, {maxZoom: 10, paddingTopLeft: [left, tb],
                                   paddingBottomRight: [right, tb < margin ? tb : tb + 20],
                                   animate: false});
        }
        map._frameIncidents = function () { if (untouched && bounds) { frame(); } };
        if (bounds) { frame(); }
        map.on("dragstart", function () { untouched = false; });
        map.getContainer().addEventListener("wheel", function () { untouched = false; });
        new ResizeObserver(function () {
            map.invalidateSize();
            if (untouched && bounds) {
                frame();  // the controls are drawn by now: points clear of them
            }
        }).observe(map.getContainer());
    }

    /* A box of (already escaped) HTML as a Leaflet control in one corner of the map. */
    function panel(parent, position, cssClass, html) {
        var control = L.control({position: position});
        control.onAdd = function (map) {
            var div = L.DomUtil.create("div", cssClass);
            div.innerHTML = html;
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            // Folded or unfolded: a map the analyst has not moved is framed again in
            // the room the panel now leaves.
            div.addEventListener("toggle", function () {
                if (map._frameIncidents) { map._frameIncidents(); }
            }, true);
            return div;
        };
        control.addTo(parent);
        return control;
    }

    /* The map's centre and zoom, and the layers switched on when they differ from the
     * map's ``defaults``, written into the embedding page's URL (``c``, ``z``, ``layers``);
     * ``control`` is the name of the layer control, whose registry is read. */
    function viewInUrl(map, control, defaults) {
        var top;
        try { top = window.parent; top.location.href; } catch (e) { return; }
        var page = top.location.pathname;
        function keep() {
            if (top.location.pathname !== page) { return; }
            var c = map.getCenter(), url = new URL(top.location.href);
            var centre = c.lat.toFixed(4) + "," + c.lng.toFixed(4);
            var zoom = String(map.getZoom());
            var params = url.searchParams;
            var shown = layers();
            var wanted = shown === null || shown === defaults ? null : shown;
            if (params.get("c") === centre && params.get("z") === zoom
                    && params.get("layers") === wanted) { return; }
            params.set("c", centre);
            params.set("z", zoom);
            if (wanted === null) { params.delete("layers"); }
            else { params.set("layers", wanted); }
            top.history.replaceState(top.history.state, "", url.toString());
        }
        function layers() {
            // The layer control's registry (folium's "<control>_layers"); it is
            // declared after the call, so it is looked up when needed.
            var reg = window[control + "_layers"];
            if (!reg) { return null; }
            var on = [];
            [reg.base_layers, reg.overlays].forEach(function (group) {
                Object.keys(group).forEach(function (name) {
                    if (map.hasLayer(group[name])) { on.push(name); }
                });
            });
            return on.sort().join(",");
        }
        map.on("overlayadd overlayremove baselayerchange", keep);
        map.on("moveend", keep);
        setInterval(keep, 1000);
    }

    /* The group a drawn box goes in, in a pane under the points; streamlit-folium reads the
     * drawn shapes from it (the page names it ``drawnItems_<control>``). */
    function drawBoxLayer(map) {
        map.createPane("drawnBox");
        map.getPane("drawnBox").style.zIndex = 380;
        return new L.FeatureGroup().addTo(map);
    }

    /* Leaflet.draw's rectangle tool, the only drawing tool: one box at a time, a new one
     * replaces the last in ``drawnItems``. */
    function drawBox(map, drawnItems) {
        var control = new L.Control.Draw({
            position: "topleft",
            draw: {
                // The area's tooltip is left off: Leaflet.draw 1.0.4 computes it with an
                // undeclared variable, an error wherever scripts run strict.
                rectangle: {showArea: false, shapeOptions: {
                    pane: "drawnBox", interactive: false, color: "#3b3bb3",
                    weight: 2, fillOpacity: 0.08}},
                polyline: false, polygon: false, circle: false, marker: false,
                circlemarker: false
            },
            edit: false
        }).addTo(map);
        map.on(L.Draw.Event.CREATED, function (e) {
            drawnItems.clearLayers();
            drawnItems.addLayer(e.layer);
        });
        // streamlit-folium adds the stylesheet as the map is made: until it has loaded,
        // the toolbar is its buttons' titles in words, wide, and the points were framed
        // clear of that. Framed again when the toolbar takes its size.
        new ResizeObserver(function () {
            if (map._frameIncidents) { map._frameIncidents(); }
        }).observe(control.getContainer());
        return control;
    }

    // ------------------------------------------------------------------ layers

    /* A world GeoJSON layer drawn only where the map looks: each feature is added when it
     * comes within half a view of the visible area, on the first draw and after each
     * move. The file at ``url`` is fetched, unless the data is given (``inline``). */
    function inViewGeoJson(map, options, url, inline) {
        var layer = L.geoJSON(null, Object.assign(
            options, {renderer: L.canvas({pane: options.pane})}));
        var waiting = [];
        function extend(c, b) {
            if (typeof c[0] === "number") {
                if (c[0] < b[0]) { b[0] = c[0]; } if (c[0] > b[2]) { b[2] = c[0]; }
                if (c[1] < b[1]) { b[1] = c[1]; } if (c[1] > b[3]) { b[3] = c[1]; }
                return b;
            }
            for (var i = 0; i < c.length; i++) { extend(c[i], b); }
            return b;
        }
        function addInView() {
            var v = map.getBounds().pad(0.5), left = [];
            for (var i = 0; i < waiting.length; i++) {
                var b = waiting[i].box;
                if (v.intersects([[b[1], b[0]], [b[3], b[2]]])) {
                    layer.addData(waiting[i].feature);
                } else {
                    left.push(waiting[i]);
                }
            }
            waiting = left;
        }
        function start(data) {
            waiting = (data.features || []).filter(function (f) { return f.geometry; })
                .map(function (f) {
                    return {feature: f, box: extend(f.geometry.coordinates,
                                                    [180, 90, -180, -90])};
                });
            // After the map's first framing (fitBounds runs after the layers are made).
            map.whenReady(function () { setTimeout(addInView, 0); });
            map.on("moveend", addInView);
        }
        if (inline) { start(inline); } else {
            fetch(url).then(function (r) { return r.json(); }).then(start)
                .catch(function () {});
        }
        return layer;
    }

    /* An analyst's vector basemap file drawn by protomaps-leaflet (``P``), styled for its
     * ``schema``; ``colors`` gives the map's sea and water-line colours. */
    function vectorTiles(P, schema, layers, options, colors) {
        if (schema === "protomaps") {
            return P.leafletLayer(Object.assign(options, {flavor: "light", lang: "en"}));
        }
        var paint = [], label = [];
        function prop(f, k) { return f.props[k]; }
        function is(kind) { return function (z, f) { return f.geomType === kind; }; }
        function area(layer, fill, filter, minzoom) {
            paint.push({dataLayer: layer, minzoom: minzoom || 0, filter: filter,
                        symbolizer: new P.PolygonSymbolizer({fill: fill})});
        }
        function line(layer, color, width, filter, dash) {
            paint.push({dataLayer: layer, filter: filter, symbolizer:
                new P.LineSymbolizer({color: color, width: width, dash: dash})});
        }
        function names(layer, font, filter) {
            label.push({dataLayer: layer, filter: filter, symbolizer:
                new P.CenteredTextSymbolizer({
                    labelProps: ["name:en", "name:latin", "name_en", "name"],
                    font: font, fill: "#3a3a3a", stroke: "#ffffff", width: 2})});
        }
        if (schema === "openmaptiles") {
            area("landcover", "#e4e8d8");
            area("landuse", "#ebe7de");
            area("park", "#dfe8d0");
            area("water", colors.sea);
            line("waterway", colors.waterLine, 1);
            area("building", "#d9d4ca", null, 14);
            line("transportation", function (z, f) {
                var c = prop(f, "class");
                return c === "motorway" || c === "trunk" ? "#d49a5f" : "#b9ad98";
            }, function (z, f) {
                var c = prop(f, "class");
                var w = c === "motorway" || c === "trunk" ? 2.2
                    : c === "primary" || c === "secondary" ? 1.6 : 0.8;
                return z < 10 ? w / 2 : w;
            }, is(2));
            line("boundary", "#a59f93", 0.9, function (z, f) {
                return Number(prop(f, "admin_level")) <= 4;
            }, [3, 3]);
            names("place", function (z, f) {
                var c = prop(f, "class");
                return c === "city" || c === "country" || c === "state"
                    ? "600 13px sans-serif" : "12px sans-serif";
            });
        } else {
            layers.forEach(function (layer) {
                area(layer, "#e2ddd2", is(3));
                line(layer, "#b3ad9f", 0.7, is(2));
                names(layer, "12px sans-serif", is(1));
            });
        }
        return P.leafletLayer(Object.assign(options, {paintRules: paint, labelRules: label}));
    }

    /* Each incident point (``onEachFeature``): binds the (already escaped) tooltip string
     * and keeps a selected point above its neighbours. */
    function pointFeature(feature, layer) {
        var p = feature.properties || {};
        if (p.selected) {
            layer.on("add", function() { if (layer.bringToFront) { layer.bringToFront(); } });
        }
        if (p.label) {
            // The name of an important place, always shown; set as text, never as HTML.
            var span = document.createElement("span");
            span.textContent = p.label;
            var offset = (p.style && p.style.radius) || 6;
            layer.bindTooltip(span, {permanent: true, direction: "right", interactive: false,
                                     offset: [offset, 0], className: "incident-label"});
            layer.on("mouseover", function () { layer.setTooltipContent(p.tooltip); });
            layer.on("mouseout", function () { layer.setTooltipContent(span); });
        } else if (p.tooltip) {
            layer.bindTooltip(p.tooltip, {direction: "top"});
        }
    }

    /* Each region of the choropleth: its (already escaped) tooltip. */
    function regionFeature(feature, layer) {
        if (feature.properties && feature.properties.tooltip) {
            layer.bindTooltip(feature.properties.tooltip, {sticky: true});
        }
    }

    /* Points that cover each other drawn side by side on a small ring around their middle,
     * each with a thin leg to a dot at its true place; redone on every zoom. ``ring`` is
     * the selection ring (or null), which follows its point. ``limits``: maxGroup (the
     * largest group spread), maxRing (pixels) and maxKm (the widest ring on screen and on
     * the ground), maxRadius (the largest point's radius). */
    function spreadOverlaps(map, layer, ring, limits) {
        var maxGroup = limits.maxGroup, maxRing = limits.maxRing, maxKm = limits.maxKm;
        var legs = L.layerGroup([], {pane: "spreadLegs"});
        var markers = [], ringHome = ring ? ring.getLatLng() : null;
        function radius(m) { return (m.options && m.options.radius) || 6; }
        function spread() {
            legs.clearLayers();
            var z = map.getZoom(), n = markers.length, pts = [], parent = [];
            for (var i = 0; i < n; i++) {
                pts.push(map.project(markers[i]._home, z));
                parent.push(i);
            }
            function root(i) {
                while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
                return i;
            }
            // Pairs close enough to hide one another, found through a grid of cells
            // as wide as the biggest possible gap, so the work stays near-linear.
            var cell = 2 * limits.maxRadius, grid = {};
            for (i = 0; i < n; i++) {
                var gx = Math.floor(pts[i].x / cell), gy = Math.floor(pts[i].y / cell);
                for (var dx = -1; dx <= 1; dx++) {
                    for (var dy = -1; dy <= 1; dy++) {
                        var near = grid[(gx + dx) + ":" + (gy + dy)] || [];
                        for (var k = 0; k < near.length; k++) {
                            var j = near[k], ri = radius(markers[i]), rj = radius(markers[j]);
                            if (pts[i].distanceTo(pts[j]) < (ri + rj) * 2 / 3) {
                                parent[root(i)] = root(j);
                            }
                        }
                    }
                }
                var key = gx + ":" + gy;
                (grid[key] = grid[key] || []).push(i);
            }
            var groups = {};
            for (i = 0; i < n; i++) { (groups[root(i)] = groups[root(i)] || []).push(i); }
            for (i = 0; i < n; i++) { markers[i].setLatLng(markers[i]._home); }
            if (ring) { ring.setLatLng(ringHome); }
            Object.keys(groups).forEach(function (g) {
                var members = groups[g];
                if (members.length < 2 || members.length > maxGroup) { return; }
                var cx = 0, cy = 0, sum = 0, sizes = [];
                members.forEach(function (i) {
                    cx += pts[i].x; cy += pts[i].y; sum += 2 * radius(markers[i]) + 4;
                    sizes.push(radius(markers[i]));
                });
                cx /= members.length; cy /= members.length;
                var k = members.length;
                // Each keeps its bearing from the group's middle, so a point north of its
                // neighbour stays north of it; points on the very same spot are dealt
                // round from the top, biggest first.
                var angle = {}, same = true;
                members.forEach(function (i) {
                    var dx = pts[i].x - cx, dy = pts[i].y - cy;
                    if (dx * dx + dy * dy > 0.25) { same = false; }
                    angle[i] = Math.atan2(dy, dx);
                });
                if (same) {
                    members.sort(function (a, b) {
                        return radius(markers[b]) - radius(markers[a]);
                    });
                } else {
                    members.sort(function (a, b) { return angle[a] - angle[b]; });
                }
                var start = same ? -Math.PI / 2 : angle[members[0]];
                // Wide enough for the two biggest neighbours to stand apart with a gap.
                sizes.sort(function (a, b) { return b - a; });
                var pair = sizes[0] + sizes[1] + 4;
                var r = Math.max(sum / (2 * Math.PI), pair / (2 * Math.sin(Math.PI / k)));
                // A ring this wide would draw a point far from its place (towns of a
                // whole oblast seen from a continent): such a knot is left for zooming.
                // Far is in pixels on screen and in kilometres on the ground.
                var lat = map.unproject(L.point(cx, cy), z).lat * Math.PI / 180;
                var metresPerPixel = 40075016.7 * Math.cos(lat) / (256 * Math.pow(2, z));
                if (r > Math.min(maxRing, maxKm * 1000 / metresPerPixel)) { return; }
                members.forEach(function (i, idx) {
                    var a = start + 2 * Math.PI * idx / k;
                    var at = map.unproject(
                        L.point(cx + r * Math.cos(a), cy + r * Math.sin(a)), z);
                    var m = markers[i];
                    m.setLatLng(at);
                    if (ring && m.feature && m.feature.properties.selected) {
                        ring.setLatLng(at);
                    }
                    legs.addLayer(L.polyline([m._home, at], {color: "#444", weight: 1,
                        opacity: 0.8, interactive: false, pane: "spreadLegs"}));
                    legs.addLayer(L.circleMarker(m._home, {radius: 2, stroke: false,
                        fillColor: "#222", fillOpacity: 0.9, interactive: false,
                        pane: "spreadLegs"}));
                });
            });
        }
        layer.eachLayer(function (m) {
            if (m.getLatLng) { m._home = m.getLatLng(); markers.push(m); }
        });
        legs.addTo(map);
        map.whenReady(function () { setTimeout(spread, 0); });
        map.on("zoomend", spread);
    }

    // ------------------------------------------------------------------ names

    /* Incident labels that never run into one another: after each move, the labelled
     * points are taken biggest first and a label that would overlap one already shown is
     * hidden. ``map._incidentLabelBoxes`` gives the boxes of the labels shown and of their
     * points, which the basemap's place names (``placeLabels``) keep clear of. */
    function labelLayout(map) {
        function overlaps(a, b) {
            return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
        }
        function layout() {
            var origin = map.getContainer().getBoundingClientRect();
            var labelled = [];
            map.eachLayer(function (l) {
                var p = l.feature && l.feature.properties;
                if (p && p.label && l.getTooltip && l.getTooltip() && l.getLatLng) {
                    labelled.push(l);
                }
            });
            // Towns' names first, then landmarks' (a square inside a town yields
            // to the town's name), each biggest first.
            labelled.sort(function (a, b) {
                var pa = a.feature.properties, pb = b.feature.properties;
                return ((pa.landmark ? 1 : 0) - (pb.landmark ? 1 : 0))
                    || ((pb.style.radius || 0) - (pa.style.radius || 0));
            });
            var shown = [];
            labelled.forEach(function (l) {
                var at = map.latLngToContainerPoint(l.getLatLng());
                var r = (l.feature.properties.style.radius || 6) + 2;
                shown.push({x0: at.x - r, y0: at.y - r, x1: at.x + r, y1: at.y + r,
                            point: true});
            });
            labelled.forEach(function (l) {
                var el = l.getTooltip().getElement();
                if (!el) { return; }
                el.style.visibility = "";
                var b = el.getBoundingClientRect();
                var box = {x0: b.left - origin.left, y0: b.top - origin.top,
                           x1: b.right - origin.left, y1: b.bottom - origin.top};
                // Clear of other labels (points may sit under a label's edge).
                var clash = shown.some(function (o) { return !o.point && overlaps(box, o); });
                if (clash) { el.style.visibility = "hidden"; } else { shown.push(box); }
            });
            return shown;
        }
        map._incidentLabelBoxes = layout;
        // Once per burst: a clustered map adds hundreds of layers at a time.
        var pending = false;
        function later() {
            if (pending) { return; }
            pending = true;
            setTimeout(function () { pending = false; layout(); }, 50);
        }
        map.whenReady(later);
        map.on("zoomend moveend layeradd", later);
    }

    /* Place names over the offline land layer, from the file at ``placesUrl``: biggest
     * first, at each zoom the towns above a population threshold inside the view, up to a
     * quota. Names are set as text, never as HTML. */
    function placeLabels(map, placesUrl) {
        // Population a town needs to be named at each zoom, and how many names at most.
        var MIN_POP = {2: 5e6, 3: 3e6, 4: 1.5e6, 5: 7e5, 6: 3e5, 7: 1.2e5, 8: 5e4, 9: 2e4,
                       10: 8e3, 11: 3e3};
        var QUOTA = 160;
        var layer = L.layerGroup().addTo(map);
        var places = [];
        function draw() {
            layer.clearLayers();
            var z = map.getZoom();
            var minPop = MIN_POP[Math.max(2, Math.min(11, z))];
            var view = map.getBounds().pad(0.05);
            // The incident labels and their points go first (``labelLayout``).
            var n = 0, taken = map._incidentLabelBoxes ? map._incidentLabelBoxes() : [];
            for (var i = 0; i < places.length && n < QUOTA; i++) {
                var f = places[i], p = f.properties, c = f.geometry.coordinates;
                var isCountry = p.k === "country";
                if (isCountry ? (z < 3 || z > 6) : p.p < minPop) { continue; }
                if (!view.contains([c[1], c[0]])) { continue; }
                // A name that would run into one already placed is left out: names come
                // biggest first, so the bigger place keeps its name. The box is estimated
                // from the name's length (measuring text would cost a layout per name).
                var at = map.latLngToContainerPoint([c[1], c[0]]);
                var width = String(p.n).length * (isCountry ? 8.6 : 6.4) + 4;
                var box = {x0: at.x + 1, y0: at.y - 8, x1: at.x + 5 + width, y1: at.y + 7};
                var clash = false;
                for (var t = 0; t < taken.length && !clash; t++) {
                    var o = taken[t];
                    clash = box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1;
                }
                if (clash) { continue; }
                taken.push(box);
                var el = document.createElement("span");
                el.textContent = p.n;
                el.className = "place-label" + (isCountry ? " country" :
                    (p.p >= minPop * 8 ? " big" : ""));
                layer.addLayer(L.marker([c[1], c[0]], {pane: "placeLabels",
                    interactive: false, keyboard: false,
                    icon: L.divIcon({className: "", html: el.outerHTML,
                                     iconSize: null, iconAnchor: [-3, 7]})}));
                n++;
            }
        }
        fetch(placesUrl).then(function (r) { return r.json(); }).then(function (data) {
            places = data.features || [];
            draw();
            map.on("zoomend moveend", draw);
        }).catch(function () {});
    }

    return {
        setup: setup, panel: panel, viewInUrl: viewInUrl, drawBoxLayer: drawBoxLayer,
        drawBox: drawBox, inViewGeoJson: inViewGeoJson, vectorTiles: vectorTiles,
        pointFeature: pointFeature, regionFeature: regionFeature,
        spreadOverlaps: spreadOverlaps, labelLayout: labelLayout, placeLabels: placeLabels
    };
})();
