// The portal's optional niceties; every form works without this file.
// - "使用当前位置": fills the hidden lat/long from the phone's location.
// - A small tile map, only when the server configured a tile URL (data-tiles).
// - A character counter for the description, a check of the photo count, and a submit
//   button that cannot be pressed twice (the server also ignores a second submission).
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var lat = $('lat'), lon = $('long'), status = $('locate-status'), map = $('map');
  var ZOOM = 17;

  function tileXY(la, lo) {
    var n = Math.pow(2, ZOOM), r = la * Math.PI / 180;
    return [(lo + 180) / 360 * n, (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n];
  }
  function fromXY(x, y) {
    var n = Math.pow(2, ZOOM), k = Math.PI - 2 * Math.PI * y / n;
    return [180 / Math.PI * Math.atan(0.5 * (Math.exp(k) - Math.exp(-k))), x / n * 360 - 180];
  }
  function drawMap(la, lo) {
    if (!map) { return; }
    var t = tileXY(la, lo), w = map.clientWidth || 320, h = map.clientHeight || 240;
    map.hidden = false;
    map.textContent = '';
    var cx = Math.floor(t[0]), cy = Math.floor(t[1]);
    for (var dx = -2; dx <= 2; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        var img = document.createElement('img');
        img.alt = '';
        img.src = map.dataset.tiles.replace('{z}', ZOOM).replace('{x}', cx + dx).replace('{y}', cy + dy);
        img.style.left = Math.round(w / 2 + (cx + dx - t[0]) * 256) + 'px';
        img.style.top = Math.round(h / 2 + (cy + dy - t[1]) * 256) + 'px';
        map.appendChild(img);
      }
    }
    var pin = document.createElement('span');
    pin.className = 'pin';
    map.appendChild(pin);
    map.onclick = function (e) {
      var box = map.getBoundingClientRect();
      var p = fromXY(t[0] + (e.clientX - box.left - w / 2) / 256, t[1] + (e.clientY - box.top - h / 2) / 256);
      setPoint(p[0], p[1], '已按地图调整位置');
    };
  }
  function setPoint(la, lo, what) {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    status.textContent = what + '：纬度 ' + lat.value + '，经度 ' + lon.value;
    drawMap(la, lo);
  }

  var locate = $('locate');
  if (locate && lat && lon && status && 'geolocation' in navigator) {
    locate.hidden = false;
    locate.addEventListener('click', function () {
      status.textContent = '正在获取位置…';
      navigator.geolocation.getCurrentPosition(function (p) {
        setPoint(p.coords.latitude, p.coords.longitude, '已获取当前位置');
      }, function (e) {
        status.textContent = e.code === 1
          ? '未获得定位权限，请在上方填写地址。'
          : '暂时无法获取位置，请在上方填写地址。';
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    if (lat.value && lon.value) { drawMap(parseFloat(lat.value), parseFloat(lon.value)); }
  }

  var desc = $('description'), count = $('description-count');
  if (desc && count) {
    var show = function () {
      var n = desc.value.length, max = desc.maxLength;
      count.textContent = max > 0 && n > max * 0.8 ? '（已输入' + n + '字）' : '';
    };
    desc.addEventListener('input', show);
    show();
  }

  var photos = $('photos');
  if (photos) {
    photos.addEventListener('change', function () {
      var max = 3, label = document.querySelector('label[for=photos]');
      var m = label && label.textContent.match(/最多(\d+)张/);
      if (m) { max = parseInt(m[1], 10); }
      photos.setCustomValidity(photos.files.length > max ? '最多上传' + max + '张照片' : '');
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('form[method=post]'), function (form) {
    form.addEventListener('submit', function () {
      var b = form.querySelector('button[type=submit]');
      if (b) {
        setTimeout(function () { b.disabled = true; b.textContent = '正在提交…'; }, 0);
      }
    });
  });
}());
