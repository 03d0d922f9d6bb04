#!/usr/bin/env python3
"""Times the platform's list pages per role (median of 5 requests each).

Usage: python3 tools/measure_pages.py ADMIN_PASSWORD [BASE_URL]
Creates four accounts (province 420000, city 420100, district 420111, a clerk of
I4201001063) through 账号管理, then prints one line per (account, page)."""
import urllib.request, urllib.parse, http.cookiejar, re, time, statistics, sys
BASE=sys.argv[2] if len(sys.argv) > 2 else 'http://127.0.0.1:8080'
def session(user, pw):
    cj=http.cookiejar.CookieJar()
    op=urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj))
    op.open(BASE+'/login', urllib.parse.urlencode({'username':user,'password':pw}).encode())
    page=op.open(BASE+'/').read().decode()
    csrf=re.search(r'name="_csrf" value="([^"]+)"',page).group(1)
    return op,csrf
def timed(op,url,n=5):
    ts=[]
    for i in range(n):
        t=time.perf_counter(); r=op.open(BASE+url); body=r.read(); ts.append((time.perf_counter()-t)*1000)
        assert r.status==200, url
    return statistics.median(ts), max(ts), len(body)
admin_pw=sys.argv[1]
adm,csrf=session('admin',admin_pw)
PW='Measure-pass-2026'
for u,role,reg,inst in [('m_province','province','420000',''),('m_city','city','420100',''),('m_district','district','420111',''),('m_clerk','institution','','I4201001063')]:
    try:
        adm.open(BASE+'/system/accounts', urllib.parse.urlencode({'_csrf':csrf,'username':u,'display_name':u,'role':role,'region_code':reg,'institution_id':inst,'password':PW}).encode()).read()
    except Exception as e: pass
pages=['/','/institutions','/institutions?sort=risk','/institutions?kind=social_org&status=active','/institutions?q=%E6%AD%A6%E6%B1%89','/institutions?page=50',
 '/activities','/activities?from=2025-01-01&to=2025-03-31','/activities?page=200',
 '/findings','/findings?severity=grave&status=open','/findings?item=12','/findings?page=300','/risk','/risk?page=20',
 '/certificates?name=%E5%BC%A0%E4%BC%9F','/system/log','/system/accounts']
rows=[]
for user in ['admin','m_province','m_city','m_district','m_clerk']:
    op,_=session(user, admin_pw if user=='admin' else PW)
    for p in pages:
        try:
            med,mx,size=timed(op,p)
            rows.append((user,p,med,mx))
        except Exception as e:
            rows.append((user,p,None,str(e)[:40]))
for r in rows:
    print(f"{r[0]:<11} {r[1]:<50} {r[2] if r[2] is None else f'{r[2]:7.1f}'} ms  max {r[3] if isinstance(r[3],str) else f'{r[3]:.1f}'}")
