from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class MobileLoginForm(AuthenticationForm):
    username = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric", "autofocus": True}),
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "手机号码或密码不正确。连续输错多次后账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系所在工会。",
    }


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少10位，须同时包含字母和数字，不能太常见。",
    )
    new_password2 = forms.CharField(
        label="再次输入新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data
