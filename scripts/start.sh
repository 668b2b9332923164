#!/usr/bin/env bash
# Start Đảng vụ on the embedded SQLite database with demo data (deployment profile C: demo only).
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var
# Production settings (no debug pages) with a secret generated once and kept in var/.
if [ ! -s var/secret_key ]; then
  .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))' > var/secret_key
  chmod 600 var/secret_key
fi
export DEBUG="${DEBUG:-false}"
export SECRET_KEY_FILE="${SECRET_KEY_FILE:-var/secret_key}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost,${HOST}}"
export DEPLOYMENT_PROFILE="${DEPLOYMENT_PROFILE:-C}"
.venv/bin/dangvu migrate --noinput -v 0
.venv/bin/dangvu collectstatic --noinput -v 0
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
