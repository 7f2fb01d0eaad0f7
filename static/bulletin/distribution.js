// 发送范围模板: choosing a template puts its text into the 送 field, which stays editable.
document.querySelectorAll("select[data-fills]").forEach((select) => {
  const target = document.getElementById(select.dataset.fills);
  if (!target) return;
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    if (option && option.dataset.text !== undefined) {
      target.value = option.dataset.text;
      target.focus();
    }
  });
});
