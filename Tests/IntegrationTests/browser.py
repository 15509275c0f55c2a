"""Headless Chromium (Debian's chromium and chromium-driver) driven by selenium, for the
console's pages: a fresh browser profile each time, screenshots kept as test artifacts."""
import os
import re

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = os.environ.get("PARLEY_ARTIFACTS", os.path.join(os.path.dirname(__file__), "../../.build/test-artifacts"))


def start_browser(width=1280, height=900, phone=False):
    """A desktop window of `width` × `height`, or with `phone` a 390 × 844 phone screen
    (Chromium's device emulation: a window cannot be made that narrow)."""
    options = webdriver.ChromeOptions()
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}})
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
                     "--autoplay-policy=no-user-gesture-required", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    # The driver Debian ships, named outright: selenium must not look for one to download.
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def screenshot(driver, name):
    """Keeps what the page looks like now as ARTIFACTS/console/NAME.png."""
    folder = os.path.join(ARTIFACTS, "console")
    os.makedirs(folder, exist_ok=True)
    driver.save_screenshot(os.path.join(folder, re.sub(r"[^\w.-]", "_", name) + ".png"))


def wait(driver, condition, timeout=15):
    return WebDriverWait(driver, timeout).until(condition)


def fill(driver, form_id, values, navigates=True):
    """Types `values` ({field name: text}) into the form `form_id`, then submits it and waits
    for the answer (unless the browser's own validation is expected to hold it back)."""
    wait(driver, lambda driver: driver.execute_script("return document.readyState") == "complete")
    form = wait(driver, expected_conditions.presence_of_element_located((By.ID, form_id)))
    for name, value in values.items():
        field = form.find_element(By.NAME, name)
        if field.tag_name == "select":
            field.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
        else:
            field.clear()
            field.send_keys(value)
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    if navigates:
        submit(driver, button)
    else:
        button.click()


def submit(driver, button):
    """Clicks `button` and waits until the page it was on has been replaced by the answer."""
    button.click()
    wait(driver, lambda _: detached(button))
    wait(driver, lambda driver: driver.execute_script("return document.readyState") == "complete")


def detached(element):
    """Whether `element` has left the page. While the old document is being torn down Chromium
    may answer "does not belong to the document" instead of a stale reference: the same fact."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def sign_in_form(driver, base_url, email, password):
    """Submits the sign-in form (and leaves the browser where Parley sends it)."""
    driver.get(base_url + "/console/login")
    fill(driver, "login", {"Email": email, "Password": password})


def sign_in(driver, base_url, email, password):
    sign_in_form(driver, base_url, email, password)
    assert "/console/dashboard" in driver.current_url, driver.current_url


def text_of(driver, selector):
    return wait(driver, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector))).text
