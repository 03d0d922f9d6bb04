// 首页 charts: data from #dash-data, ECharts and the province map served by the platform itself.
(function () {
  function init() {
    var el = document.getElementById('dash-data');
    if (!el || !window.echarts) return;
    var d = JSON.parse(el.textContent);
    var sev = [['general', '一般', '#909399'], ['serious', '严重', '#e6a23c'], ['grave', '特别严重', '#f56c6c']];
    var items = document.getElementById('chart-items');
    if (items) {
      echarts.init(items).setOption({
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { data: sev.map(function (s) { return s[1]; }) },
        grid: { left: 60, right: 20, bottom: 60 },
        xAxis: { type: 'category', data: d.items.map(function (i) { return i.item; }), axisLabel: { rotate: 45 } },
        yAxis: { type: 'value' },
        series: sev.map(function (s) {
          return { name: s[1], type: 'bar', stack: 'all', itemStyle: { color: s[2] }, data: d.items.map(function (i) { return i[s[0]]; }) };
        })
      });
    }
    var cities = document.getElementById('chart-cities');
    if (cities) {
      var chart = echarts.init(cities);
      var bar = function () {
        chart.setOption({
          tooltip: {}, grid: { left: 120, right: 20 },
          xAxis: { type: 'value' },
          yAxis: { type: 'category', data: d.cities.map(function (c) { return c.name; }) },
          series: [{ type: 'bar', data: d.cities.map(function (c) { return c.value; }), itemStyle: { color: '#409eff' } }]
        });
      };
      if (d.map) {
        fetch(d.map).then(function (r) { return r.json(); }).then(function (geo) {
          echarts.registerMap('province', geo);
          var names = {};
          geo.features.forEach(function (f) { names[f.id] = f.properties.name; });
          var max = Math.max.apply(null, d.cities.map(function (c) { return c.value; }).concat([1]));
          chart.setOption({
            tooltip: { trigger: 'item', formatter: '{b}: {c}' },
            visualMap: { min: 0, max: max, left: 'left', bottom: 10, text: ['高', '低'], calculable: true, inRange: { color: ['#e0f3ff', '#409eff', '#f56c6c'] } },
            series: [{ type: 'map', map: 'province', roam: true, label: { show: true, fontSize: 10 },
              data: d.cities.map(function (c) { return { name: names[c.code] || c.name, value: c.value }; }) }]
          });
        }).catch(bar);
      } else {
        bar();
      }
    }
    var months = document.getElementById('chart-months');
    if (months) {
      var series = [{ name: '评价批次', type: 'line', smooth: true, data: d.months.map(function (m) { return m.batches; }) }];
      if (d.findings) series.push({ name: '预警', type: 'bar', yAxisIndex: 1, itemStyle: { color: '#f56c6c' }, data: d.months.map(function (m) { return m.findings; }) });
      echarts.init(months).setOption({
        tooltip: { trigger: 'axis' }, legend: {},
        xAxis: { type: 'category', data: d.months.map(function (m) { return m.month; }) },
        yAxis: [{ type: 'value', name: '批次' }, { type: 'value', name: '预警' }],
        series: series
      });
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
  document.addEventListener('htmx:afterSettle', init);
})();
