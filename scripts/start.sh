#!/usr/bin/env bash
# Start Đảng vụ on the embedded SQLite database with demo data (deployment profile C: demo only).
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
export DEBUG="${DEBUG:-true}"
export DEPLOYMENT_PROFILE="${DEPLOYMENT_PROFILE:-C}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var
.venv/bin/dangvu migrate --noinput -v 0
.venv/bin/dangvu demo_load
cat <<TXT

======================================================================
 Đảng vụ đang chạy tại:  http://${HOST}:${PORT}/
 Tài khoản thử (mật khẩu chung in ở trên):
   quantri  – quản trị hệ thống        tochuc   – cán bộ tổ chức
   kiemtra  – cán bộ kiểm tra          lanhdao  – lãnh đạo (chỉ xem)
   vanphong – văn phòng cơ sở
 Dừng: bấm Ctrl+C
======================================================================
TXT
exec .venv/bin/dangvu runserver "${HOST}:${PORT}" --noreload
